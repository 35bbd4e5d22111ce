package io.github.etcdconfig.actuate;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.etcdconfig.refresh.EtcdConfigChangedEvent;
import io.github.etcdconfig.refresh.EtcdConfigRefresher;
import io.github.etcdconfig.refresh.EtcdConfigWatcher;
import io.github.etcdconfig.refresh.EtcdConfigWatchers;
import io.github.etcdconfig.watch.EtcdWatchStatus;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.context.ApplicationListener;

/**
 * Meters of the live configuration, each tagged with {@code source}, the name of the etcd
 * property source:
 * <ul>
 * <li>{@code etcd.config.refresh.keys}: properties changed per refresh (the refresh timer
 * itself, {@value EtcdConfigRefresher#OBSERVATION_NAME}, comes from the refresher's
 * observation);</li>
 * <li>{@code etcd.config.watch.reconnects} and {@code etcd.config.watch.resyncs}:
 * counters;</li>
 * <li>{@code etcd.config.revision}: the revision of the applied values;</li>
 * <li>{@code etcd.config.revision.lag}: how far the newest change under the prefixes was
 * ahead of what the watch had received, at the last check; writes outside the prefixes do
 * not count;</li>
 * <li>{@code etcd.config.keys}: the number of etcd keys held;</li>
 * <li>{@code etcd.config.rejections}: the revisions this instance rejected, because a
 * bean failed to bind or validate, a {@code @Value} to convert, or a placeholder to
 * resolve.</li>
 * </ul>
 */
public class EtcdConfigMetrics implements MeterBinder, ApplicationListener<EtcdConfigChangedEvent> {

	private static final String SOURCE_TAG = "source";

	private final EtcdConfigWatchers watchers;

	private final EtcdConfigRefresher refresher;

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	public EtcdConfigMetrics(EtcdConfigWatchers watchers) {
		this(watchers, null);
	}

	/**
	 * Create the metrics.
	 * @param watchers the watchers of the application's etcd sources
	 * @param refresher the refresher, which counts rejected revisions; {@code null} when
	 * changes are applied by another listener
	 */
	public EtcdConfigMetrics(EtcdConfigWatchers watchers, EtcdConfigRefresher refresher) {
		this.watchers = watchers;
		this.refresher = refresher;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (EtcdConfigWatcher watcher : this.watchers.getWatchers()) {
			String source = watcher.getStore().getName();
			Tags tags = Tags.of(SOURCE_TAG, source);
			EtcdWatchStatus status = watcher.getWatcher().getStatus();
			FunctionCounter.builder("etcd.config.watch.reconnects", status, EtcdWatchStatus::getReconnects)
				.description("Times a broken etcd watch was created again")
				.tags(tags)
				.register(registry);
			FunctionCounter.builder("etcd.config.watch.resyncs", status, EtcdWatchStatus::getResyncs)
				.description("Times the key ranges were read again from etcd after a gap in the watch")
				.tags(tags)
				.register(registry);
			Gauge.builder("etcd.config.revision", watcher, EtcdConfigWatcher::getAppliedRevision)
				.description("The etcd revision of the applied configuration")
				.tags(tags)
				.register(registry);
			Gauge.builder("etcd.config.revision.lag", status, EtcdWatchStatus::getLag)
				.description("Revisions the watch was behind the newest change in its key ranges at the last check")
				.tags(tags)
				.register(registry);
			Gauge.builder("etcd.config.keys", watcher, (config) -> config.getStore().getSnapshot().getKeyCount())
				.description("The number of etcd keys the configuration holds")
				.tags(tags)
				.register(registry);
			if (this.refresher != null) {
				FunctionCounter
					.builder("etcd.config.rejections", this.refresher, (refresher) -> refresher.getRejections(source))
					.description("Revisions this instance could not apply cleanly (binding, validation, conversion, "
							+ "placeholders)")
					.tags(tags)
					.register(registry);
			}
			changedKeys(registry, source);
		}
		this.registries.add(registry);
	}

	@Override
	public void onApplicationEvent(EtcdConfigChangedEvent event) {
		for (MeterRegistry registry : this.registries) {
			changedKeys(registry, event.getSourceName()).record(event.getChanges().size());
		}
	}

	// Registered once; later calls return the registered summary.
	private static DistributionSummary changedKeys(MeterRegistry registry, String source) {
		return DistributionSummary.builder("etcd.config.refresh.keys")
			.description("Properties changed per refresh")
			.baseUnit("properties")
			.tags(SOURCE_TAG, source)
			.register(registry);
	}

}
