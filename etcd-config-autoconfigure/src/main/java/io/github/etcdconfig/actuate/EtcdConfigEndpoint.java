package io.github.etcdconfig.actuate;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.github.etcdconfig.client.EtcdEndpoints;
import io.github.etcdconfig.config.EtcdConfigSnapshot;
import io.github.etcdconfig.config.EtcdConfigStore;
import io.github.etcdconfig.refresh.EtcdConfigRefresher;
import io.github.etcdconfig.refresh.EtcdConfigWatcher;
import io.github.etcdconfig.refresh.EtcdConfigWatchers;
import io.github.etcdconfig.watch.EtcdPrefixWatcher;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * {@code /actuator/etcdconfig}: what each etcd source holds and how its watch is doing. A
 * read shows the prefixes, revisions, key count, watch state and counters, the last
 * refresh, and every property with the etcd key it comes from; a write resyncs every
 * source from etcd.
 *
 * <p>
 * Values are masked like those of Spring Boot's {@code env} endpoint
 * ({@code show-values}, roles, {@link SanitizingFunction} beans). On top of that, a value
 * whose name looks sensitive stays masked even when values are shown: this endpoint is
 * for following configuration, not for reading secrets ({@link EtcdValueSanitizer}).
 */
@Endpoint(id = "etcdconfig")
public class EtcdConfigEndpoint {

	private final EtcdConfigWatchers watchers;

	private final EtcdConfigRefresher refresher;

	private final ConfigurableEnvironment environment;

	private final EtcdValueSanitizer sanitizer;

	private final Show showValues;

	private final Set<String> roles;

	/**
	 * Create an endpoint.
	 * @param watchers the watchers of the application's etcd sources
	 * @param refresher the refresher, for the last refresh, or {@code null} when the
	 * application replaced it
	 * @param environment the environment holding the etcd property sources
	 * @param sanitizingFunctions the application's sanitizing functions, applied first
	 * @param showValues when to show values
	 * @param roles roles allowed to see values when {@code showValues} is
	 * {@link Show#WHEN_AUTHORIZED}
	 */
	public EtcdConfigEndpoint(EtcdConfigWatchers watchers, EtcdConfigRefresher refresher,
			ConfigurableEnvironment environment, List<SanitizingFunction> sanitizingFunctions, Show showValues,
			Set<String> roles) {
		this.watchers = watchers;
		this.refresher = refresher;
		this.environment = environment;
		this.sanitizer = new EtcdValueSanitizer(sanitizingFunctions);
		this.showValues = showValues;
		this.roles = roles;
	}

	@ReadOperation
	public EtcdConfigDescriptor etcdConfig(SecurityContext securityContext) {
		boolean showUnsanitized = this.showValues.isShown(securityContext, this.roles);
		List<SourceDescriptor> sources = this.watchers.getWatchers()
			.stream()
			.map((watcher) -> describe(watcher, showUnsanitized))
			.toList();
		EtcdConfigRefresher.LastRefresh last = (this.refresher != null) ? this.refresher.getLastRefresh() : null;
		LastRefreshDescriptor lastRefresh = (last != null)
				? new LastRefreshDescriptor(last.time().toString(), last.revision(), last.keys()) : null;
		return new EtcdConfigDescriptor(sources, lastRefresh);
	}

	/**
	 * Read every source again from etcd and apply the difference. Returns at once; each
	 * source resyncs on its watcher's thread.
	 */
	@WriteOperation
	public void resync() {
		this.watchers.getWatchers().forEach((watcher) -> watcher.getWatcher().requestResync());
	}

	private SourceDescriptor describe(EtcdConfigWatcher watcher, boolean showUnsanitized) {
		EtcdConfigStore store = watcher.getStore();
		EtcdPrefixWatcher prefixWatcher = watcher.getWatcher();
		EtcdConfigSnapshot snapshot = store.getSnapshot();
		PropertySource<?> propertySource = this.environment.getPropertySources().get(store.getName());
		Map<String, PropertyDescriptor> properties = new TreeMap<>();
		for (String name : snapshot.getPropertyNames()) {
			Object value = this.sanitizer.sanitize(propertySource, name, snapshot.getProperty(name), showUnsanitized);
			Origin origin = snapshot.getOrigin(name);
			properties.put(name, new PropertyDescriptor(stringify(value), snapshot.getKey(name),
					(origin != null) ? origin.toString() : null));
		}
		String lastError = prefixWatcher.getStatus().describeLastError();
		return new SourceDescriptor(store.getName(),
				store.getResource().getConnection().getEndpoints().stream().map(EtcdEndpoints::redact).toList(),
				store.getResource().getLayout().prefixes(), snapshot.getRevision(),
				prefixWatcher.getStatus().getEtcdRevision(), snapshot.getKeyCount(),
				prefixWatcher.getStatus().getState().name(), store.isFromSnapshotFile(), snapshot.getRollout(),
				prefixWatcher.getStatus().getReconnects(), prefixWatcher.getStatus().getResyncs(),
				watcher.getRefreshes(), lastError,
				(lastError != null && prefixWatcher.getStatus().getLastErrorTime() != null)
						? prefixWatcher.getStatus().getLastErrorTime().toString() : null,
				properties);
	}

	// Document values may be numbers or booleans; anything else is shown as text.
	private static Object stringify(Object value) {
		return (value == null || value instanceof Number || value instanceof Boolean) ? value : value.toString();
	}

	/**
	 * The etcd sources of the application and its last refresh.
	 *
	 * @param sources each etcd source
	 * @param lastRefresh the last change applied, or {@code null} before the first
	 */
	public record EtcdConfigDescriptor(List<SourceDescriptor> sources,
			LastRefreshDescriptor lastRefresh) implements OperationResponseBody {
	}

	/**
	 * One etcd source.
	 *
	 * @param name the name of its property source in the Environment
	 * @param endpoints the etcd endpoints, without credentials
	 * @param prefixes the key prefixes, lowest precedence first
	 * @param revision the etcd revision of the applied values
	 * @param etcdRevision etcd's revision at the watcher's last check
	 * @param keys the number of etcd keys held
	 * @param state the watch state
	 * @param stale whether the values come from the snapshot file and may be out of date
	 * @param rollout the staged rollout whose values the instance shows (its id and the
	 * revision at which it took them), or {@code null}
	 * @param reconnects how many times a broken watch was created again
	 * @param resyncs how many times the prefixes were read again
	 * @param refreshes how many changes reached the application
	 * @param lastError the last watch or read failure, or {@code null}
	 * @param lastErrorTime when it happened, or {@code null}
	 * @param properties every property, by name
	 */
	public record SourceDescriptor(String name, List<String> endpoints, List<String> prefixes, long revision,
			long etcdRevision, int keys, String state, boolean stale, EtcdConfigSnapshot.Rollout rollout,
			long reconnects, long resyncs, long refreshes, String lastError, String lastErrorTime,
			Map<String, PropertyDescriptor> properties) {
	}

	/**
	 * One property.
	 *
	 * @param value the value, masked unless shown
	 * @param key the etcd key that provides it
	 * @param origin the key and revision (and line, for a document)
	 */
	public record PropertyDescriptor(Object value, String key, String origin) {
	}

	/**
	 * The last change applied.
	 *
	 * @param time when it was applied
	 * @param revision its etcd revision
	 * @param keys the names of the properties it changed
	 */
	public record LastRefreshDescriptor(String time, long revision, List<String> keys) {
	}

}
