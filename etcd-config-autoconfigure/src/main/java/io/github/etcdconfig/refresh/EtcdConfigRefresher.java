package io.github.etcdconfig.refresh;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.github.etcdconfig.config.EtcdConfigSnapshot;
import io.github.etcdconfig.config.EtcdConfigStore;
import io.github.etcdconfig.config.EtcdPropertyChange;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.function.SingletonSupplier;

/**
 * Brings a change from etcd into the application in place, touching only what changed. It
 * never re-reads etcd nor re-runs the configuration loaders: the etcd property source
 * already shows the new snapshot. Then it
 * <ol>
 * <li>decrypts {@code {cipher}} values again when the change involves one
 * ({@link EtcdDecryptedValues});</li>
 * <li>publishes {@link EnvironmentChangeEvent} with the changed names, including names
 * that change through placeholders, so that {@link EtcdConfigurationPropertiesRebinder}
 * rebinds the beans bound under them, {@link EtcdValueUpdater} updates {@code @Value}
 * injection points, Spring Cloud's {@code LoggingRebinder} applies
 * {@code logging.level.*}, and the application's own listeners react;</li>
 * <li>refreshes the {@code @RefreshScope} beans the change touches, or all of them when
 * that cannot be told;</li>
 * <li>publishes {@link EtcdConfigChangedEvent}, or {@link EtcdConfigRejectedEvent} when a
 * bean failed to bind or validate, a {@code @Value} failed to convert, or a changed value
 * refers to a placeholder that cannot be resolved. What failed keeps its previous value
 * and is applied again with the next change; the revision counts as rejected until a
 * later one is applied cleanly.</li>
 * </ol>
 * Each refresh is an {@link Observation} named {@value #OBSERVATION_NAME}, so it becomes
 * a timer when metrics are set up and a span when tracing is.
 */
public class EtcdConfigRefresher implements EtcdConfigChangeListener {

	/** The name of the observation of a refresh, and of the timer it makes. */
	public static final String OBSERVATION_NAME = "etcd.config.refresh";

	private static final Log logger = LogFactory.getLog(EtcdConfigRefresher.class);

	private final ConfigurableApplicationContext context;

	private final EtcdPlaceholderDependencies dependencies;

	// Resolved at the first refresh, not at each: resolving a dependency walks the bean
	// factory's candidates.
	private final SingletonSupplier<RefreshScope> refreshScope;

	private final EtcdRefreshScopeTargets scopeTargets;

	private final EtcdDecryptedValues decryptedValues;

	private final ObservationRegistry observationRegistry;

	private volatile LastRefresh lastRefresh;

	private final Map<String, Rejected> rejected = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> rejections = new ConcurrentHashMap<>();

	EtcdConfigRefresher(ConfigurableApplicationContext context, EtcdPlaceholderDependencies dependencies,
			ObjectProvider<RefreshScope> refreshScope, EtcdRefreshScopeTargets scopeTargets,
			ObservationRegistry observationRegistry) {
		this.context = context;
		this.dependencies = dependencies;
		this.refreshScope = SingletonSupplier.of(refreshScope::getIfAvailable);
		this.scopeTargets = scopeTargets;
		this.decryptedValues = new EtcdDecryptedValues(context.getEnvironment());
		this.observationRegistry = observationRegistry;
	}

	@Override
	public void onChange(EtcdConfigStore store, EtcdConfigSnapshot.Update update) {
		Observation.createNotStarted(OBSERVATION_NAME, this.observationRegistry)
			.contextualName("etcd config refresh")
			.lowCardinalityKeyValue("source", store.getName())
			.highCardinalityKeyValue("etcd.revision", Long.toString(update.snapshot().getRevision()))
			.observe(() -> refresh(store, update));
	}

	private void refresh(EtcdConfigStore store, EtcdConfigSnapshot.Update update) {
		this.decryptedValues.update(update.changes());
		List<String> names = new ArrayList<>(update.changes().size());
		for (EtcdPropertyChange change : update.changes()) {
			names.add(change.name());
			if (hasPlaceholder(change.oldValue()) || hasPlaceholder(change.newValue())) {
				this.dependencies.invalidate();
			}
		}
		// What a rejected revision could not apply is tried again, so that a revision
		// counts as applied only once all of it is.
		Rejected rejected = this.rejected.get(store.getName());
		if (rejected != null) {
			names.addAll(rejected.keys());
		}
		// Expanded once, and carried by the event to every listener.
		ChangedProperties changed = ChangedProperties.of(this.dependencies.expand(names));
		Set<String> keys = changed.names();
		long revision = update.snapshot().getRevision();
		if (logger.isDebugEnabled()) {
			logger.debug("Applying etcd revision " + revision + ": " + keys);
		}
		List<EtcdRejectedProperty> failed = EtcdRejectionReasons.unresolvable(this.context.getEnvironment(),
				update.changes(), keys);
		EtcdEnvironmentChangeEvent event = new EtcdEnvironmentChangeEvent(this.context, changed);
		this.context.publishEvent(event);
		failed.addAll(event.getRejected());
		RefreshScope scope = this.refreshScope.get();
		if (scope != null) {
			// A bean that creating again would fail keeps its live instance; it is
			// refreshed
			// with the revision that applies cleanly, as the rejected names are tried
			// again.
			Set<String> keep = event.getRejectedScopedBeans();
			for (String bean : this.scopeTargets.touchedBy(changed)) {
				if (!keep.contains(bean)) {
					scope.refresh(bean);
				}
			}
		}
		this.lastRefresh = new LastRefresh(Instant.now(), revision, List.copyOf(keys));
		if (failed.isEmpty()) {
			this.rejected.remove(store.getName());
			this.context
				.publishEvent(new EtcdConfigChangedEvent(this.context, store.getName(), revision, update.changes()));
			return;
		}
		EtcdConfigRejection rejection = new EtcdConfigRejection(revision, failed);
		this.rejected.put(store.getName(), new Rejected(rejection, Set.copyOf(keys)));
		this.rejections.computeIfAbsent(store.getName(), (name) -> new AtomicLong()).incrementAndGet();
		logger.error("etcd revision " + revision + " of " + store.getName()
				+ " was rejected; what failed keeps its previous values: " + failed);
		this.context.publishEvent(new EtcdConfigRejectedEvent(this.context, store.getName(), rejection));
	}

	private static boolean hasPlaceholder(Object value) {
		return value instanceof String text && text.contains("${");
	}

	/**
	 * The revision of a source this instance rejected, while no later one was applied
	 * cleanly.
	 * @param sourceName the name of the etcd source
	 * @return the rejection, or {@code null}
	 */
	public EtcdConfigRejection getRejection(String sourceName) {
		Rejected rejected = this.rejected.get(sourceName);
		return (rejected != null) ? rejected.rejection() : null;
	}

	/**
	 * The number of revisions of a source rejected since start-up.
	 * @param sourceName the name of the etcd source
	 * @return the count
	 */
	public long getRejections(String sourceName) {
		AtomicLong count = this.rejections.get(sourceName);
		return (count != null) ? count.get() : 0;
	}

	/**
	 * The last change applied.
	 * @return the last refresh, or {@code null} before the first
	 */
	public LastRefresh getLastRefresh() {
		return this.lastRefresh;
	}

	/**
	 * A change applied.
	 *
	 * @param time when it was applied
	 * @param revision the etcd revision
	 * @param keys the changed property names
	 */
	public record LastRefresh(Instant time, long revision, List<String> keys) {
	}

	/**
	 * A rejected revision and the names it changed, to apply again with the next change.
	 *
	 * @param rejection the revision and what failed
	 * @param keys the names the revision affected
	 */
	private record Rejected(EtcdConfigRejection rejection, Set<String> keys) {
	}

}
