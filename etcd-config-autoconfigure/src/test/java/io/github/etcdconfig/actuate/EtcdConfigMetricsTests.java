package io.github.etcdconfig.actuate;

import java.time.Duration;

import io.github.etcdconfig.config.EtcdConfigStores;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.refresh.EtcdConfigWatchers;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Micrometer meters after real changes in etcd, read from the application's registry
 * (Spring Boot's simple registry), each tagged with the etcd source.
 */
class EtcdConfigMetricsTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@AutoClose
	static EtcdKeys keys;

	@BeforeAll
	static void seed() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config/db/host", "postgres");
		keys.put("/config/db/port", "5432");
	}

	@Test
	void timesEachRefreshAndCountsThePropertiesItChanged() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster())) {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			String source = source(context);
			keys.putAll("/config/db/host", "postgres-2", "/config/db/port", "5433");
			awaitRefreshes(registry, source, 1);
			keys.put("/config/db/name", "erp");
			awaitRefreshes(registry, source, 2);

			DistributionSummary changed = registry.get("etcd.config.refresh.keys").tag("source", source).summary();
			assertThat(changed.count()).isEqualTo(2);
			assertThat(changed.totalAmount()).isEqualTo(3);
			assertThat(changed.max()).isEqualTo(2);
		}
	}

	@Test
	void gaugesTheAppliedRevisionTheKeyCountAndNoLagWhenTheWatchIsUpToDate() {
		long revision = keys.put("/config/db/host", "postgres");
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(),
				"etcd.config.watch.check-interval=100ms")) {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			String source = source(context);
			long unrelated = keys.put("/other-application/key", "changes etcd's revision only");

			await().atMost(Duration.ofSeconds(10))
				.until(() -> context.getBean(EtcdConfigWatchers.class)
					.getWatchers()
					.get(0)
					.getWatcher()
					.getStatus()
					.getEtcdRevision() >= unrelated);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> registry.get("etcd.config.revision.lag").tag("source", source).gauge().value() == 0);
			assertThat(registry.get("etcd.config.revision").tag("source", source).gauge().value())
				.isGreaterThanOrEqualTo(revision)
				.isLessThan(unrelated);
			assertThat(registry.get("etcd.config.keys").tag("source", source).gauge().value())
				.isGreaterThanOrEqualTo(2);
		}
	}

	@Test
	void countsResyncs() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster())) {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			String source = source(context);
			assertThat(registry.get("etcd.config.watch.resyncs").tag("source", source).functionCounter().count())
				.isZero();

			context.getBean(EtcdConfigWatchers.class).getWatchers().get(0).getWatcher().requestResync();

			await().atMost(Duration.ofSeconds(10))
				.until(() -> registry.get("etcd.config.watch.resyncs")
					.tag("source", source)
					.functionCounter()
					.count() == 1);
		}
	}

	@Test
	void countsReconnectsAfterEtcdWasAway() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "etcd.config.watch.retry-delay=50ms",
				"etcd.config.watch.max-retry-delay=200ms")) {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			String source = source(context);
			assertThat(registry.get("etcd.config.watch.reconnects").tag("source", source).functionCounter().count())
				.isZero();

			etcd.cluster().member(0).kill();
			try {
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.get("etcd.config.watch.reconnects")
						.tag("source", source)
						.functionCounter()
						.count() >= 1);
			}
			finally {
				etcd.cluster().member(0).start();
			}
		}
	}

	static void awaitRefreshes(MeterRegistry registry, String source, long count) {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> registry.find("etcd.config.refresh")
				.tag("source", source)
				.timers()
				.stream()
				.mapToLong(Timer::count)
				.sum() == count);
	}

	static String source(ConfigurableApplicationContext context) {
		return context.getBean(EtcdConfigStores.class).getStores().get(0).getName();
	}

}
