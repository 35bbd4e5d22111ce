package io.github.etcdconfig.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.github.etcdconfig.refresh.EtcdConfigChangedEvent;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.scope.refresh.RefreshScopeRefreshedEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The measured application: one bean of each kind that follows configuration, each
 * reading its own key, so a put touches exactly one of them.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableConfigurationProperties(ProbeApplication.ProbeProperties.class)
@Import({ ProbeApplication.ValueProbe.class, ProbeApplication.ChangeLog.class, ProbeApplication.RefreshStages.class })
public class ProbeApplication {

	static final String SCOPE_KEY = "/config/bench/probe/scope";

	static final String PROPERTIES_KEY = "/config/bench/probe/props/value";

	static final String VALUE_KEY = "/config/bench/probe/value";

	/**
	 * Where a new name goes: each key under it is a new entry of
	 * {@link ProbeProperties#getMap()}.
	 */
	static final String MAP_PREFIX = "/config/bench/probe/props/map/";

	/** The name of the {@code @RefreshScope} probe's bean. */
	static final String SCOPED_PROBE = "scopedProbe";

	@Bean(SCOPED_PROBE)
	@RefreshScope
	ScopedProbe scopedProbe(@Value("${bench.probe.scope:none}") String value) {
		return new ScopedProbe(value);
	}

	/**
	 * A {@code @RefreshScope} bean: re-created with the new value on its next call after
	 * a refresh.
	 */
	public static class ScopedProbe {

		private final String value;

		public ScopedProbe(String value) {
			this.value = value;
		}

		public String value() {
			return this.value;
		}

	}

	/**
	 * A {@code @ConfigurationProperties} bean, rebound in place. Its map is bound by
	 * enumerating the names under {@code bench.probe.props.map}, so a new key there is a
	 * new name the binder must find.
	 */
	@ConfigurationProperties("bench.probe.props")
	public static class ProbeProperties {

		// Volatile so that a thread spinning on it sees a rebind: the JIT may hoist a
		// plain field read.
		private volatile String value = "none";

		// Replaced as a whole by the rebinder (it has a setter), so a reader never sees
		// it half-updated.
		private volatile Map<String, String> map = new LinkedHashMap<>();

		public String getValue() {
			return this.value;
		}

		public void setValue(String value) {
			this.value = value;
		}

		public Map<String, String> getMap() {
			return this.map;
		}

		public void setMap(Map<String, String> map) {
			this.map = map;
		}

	}

	/** A singleton with a plain {@code @Value} field, updated in place. */
	public static class ValueProbe {

		@Value("${bench.probe.value:none}")
		private volatile String value;

		public String value() {
			return this.value;
		}

	}

	/**
	 * When each {@link EtcdConfigChangedEvent} was published, to count refreshes and time
	 * convergence.
	 */
	public static class ChangeLog extends RevisionLog {

		@EventListener
		void on(EtcdConfigChangedEvent event) {
			add(event.getRevision());
		}

	}

	/**
	 * Counts refreshes, with etcd-config and with the stock full refresh alike (both
	 * publish one {@link EnvironmentChangeEvent} per refresh), and stamps when the last
	 * one reached its listeners and its {@code @RefreshScope} beans.
	 */
	public static class RefreshStages {

		private final AtomicLong refreshes = new AtomicLong();

		private volatile long environmentChanged;

		private volatile long scopeRefreshed;

		// First of the listeners: the refresh's own work before it is the applier's hop
		// and the snapshot.
		@EventListener
		@Order(Ordered.HIGHEST_PRECEDENCE)
		void on(EnvironmentChangeEvent event) {
			this.environmentChanged = System.nanoTime();
			this.refreshes.incrementAndGet();
		}

		@EventListener
		void on(RefreshScopeRefreshedEvent event) {
			this.scopeRefreshed = System.nanoTime();
		}

		long refreshes() {
			return this.refreshes.get();
		}

		/**
		 * The {@link System#nanoTime()} at which the last {@link EnvironmentChangeEvent}
		 * reached the listeners.
		 */
		long environmentChanged() {
			return this.environmentChanged;
		}

		/**
		 * The {@link System#nanoTime()} at which a {@code @RefreshScope} bean was last
		 * refreshed.
		 */
		long scopeRefreshed() {
			return this.scopeRefreshed;
		}

	}

}
