package io.github.etcdconfig.discovery;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance's registration reports the staged rollout it takes, from its very first
 * write, and the aggregate health of its indicators, which a rollout watches.
 */
class EtcdRolloutRegistrationTests {

	private static final EtcdInstanceFormat FORMAT = new EtcdInstanceFormat();

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	@BeforeAll
	static void connect() {
		keys = new EtcdKeys(etcd.cluster().newClient());
	}

	@AfterAll
	static void close() {
		keys.close();
	}

	private static String selector(String id, String rule) {
		return "{\"id\": \"" + id + "\", \"seed\": \"s\", \"rules\": [" + rule + "]}";
	}

	@Test
	void theFirstRegistrationOfAMatchingInstanceAlreadyReportsTheRollout() {
		long revision = keys.putAll("/config-apps/canaried/greeting", "hello",
				"/config-apps/canaried/_rollout/selector", selector("r-1", "{\"metadata\": {\"zone\": \"a\"}}"),
				"/config-apps/canaried/_rollout/values/greeting", "bonjour");
		try (ConfigurableApplicationContext app = Apps.run(etcd.cluster(), "spring.application.name=canaried",
				"etcd.discovery.port=9511", "etcd.discovery.metadata.zone=a")) {
			String key = key(app);
			await().atMost(Duration.ofSeconds(5)).until(() -> keys.get(key) != null);
			EtcdConfigStatus first = FORMAT.readConfigStatus(firstValue(key));
			assertThat(first.rollout()).isEqualTo(new EtcdConfigStatus.Rollout("r-1", revision));
			assertThat(first.revision()).isGreaterThanOrEqualTo(revision);
			assertThat(app.getEnvironment().getProperty("greeting")).isEqualTo("bonjour");
		}
	}

	@Test
	void anInstanceTheSelectorDoesNotMatchReportsNoRollout() {
		keys.putAll("/config-apps/passed/greeting", "hello", "/config-apps/passed/_rollout/selector",
				selector("r-2", "{\"metadata\": {\"zone\": \"a\"}}"), "/config-apps/passed/_rollout/values/greeting",
				"bonjour");
		try (ConfigurableApplicationContext app = Apps.run(etcd.cluster(), "spring.application.name=passed",
				"etcd.discovery.port=9512", "etcd.discovery.metadata.zone=b")) {
			String key = key(app);
			await().atMost(Duration.ofSeconds(5)).until(() -> keys.get(key) != null);
			assertThat(FORMAT.readConfigStatus(firstValue(key)).rollout()).isNull();
			assertThat(status(key).rollout()).isNull();
			assertThat(app.getEnvironment().getProperty("greeting")).isEqualTo("hello");
		}
	}

	@Test
	void theRolloutIsReportedOnceAWiderSelectorAdmitsTheInstanceAndDroppedWithTheRollout() {
		keys.putAll("/config-apps/widened/greeting", "hello", "/config-apps/widened/_rollout/selector",
				selector("r-3", "{\"instances\": [\"nobody\"]}"), "/config-apps/widened/_rollout/values/greeting",
				"bonjour");
		try (ConfigurableApplicationContext app = Apps.run(etcd.cluster(), "spring.application.name=widened",
				"etcd.discovery.port=9513", "etcd.discovery.instance-id=widened-1")) {
			String key = key(app);
			await().atMost(Duration.ofSeconds(5)).until(() -> status(key) != null);
			assertThat(status(key).rollout()).isNull();

			long widened = keys.put("/config-apps/widened/_rollout/selector",
					selector("r-3", "{\"instances\": [\"nobody\"]}, {\"instances\": [\"widened-1\"]}"));

			await().atMost(Duration.ofSeconds(5))
				.until(() -> new EtcdConfigStatus.Rollout("r-3", widened).equals(status(key).rollout()));
			assertThat(status(key).revision()).isEqualTo(widened);

			long removed = keys.deletePrefix("/config-apps/widened/_rollout/");

			await().atMost(Duration.ofSeconds(5)).until(() -> status(key).revision() == removed);
			assertThat(status(key).rollout()).isNull();
			assertThat(app.getEnvironment().getProperty("greeting")).isEqualTo("hello");
		}
	}

	@Test
	void aHealthIndicatorGoingDownIsPublishedInTheRegistration() {
		try (ConfigurableApplicationContext app = Apps.run(etcd.cluster(), new Class<?>[] { Switchable.class },
				"spring.application.name=ailing", "etcd.discovery.port=9514", "etcd.discovery.health-interval=100ms")) {
			String key = key(app);
			await().atMost(Duration.ofSeconds(5)).until(() -> "UP".equals(health(key)));

			app.getBean(Switchable.class).health.set(Health.down().build());

			await().atMost(Duration.ofSeconds(5)).until(() -> "DOWN".equals(health(key)));
		}
	}

	@Test
	void theHealthIsPublishedWhenConfigurationDoesNotComeFromEtcd() {
		try (ConfigurableApplicationContext app = Apps.run(etcd.cluster(), "spring.application.name=unconfigured",
				"etcd.discovery.port=9515", "etcd.config.enabled=false", "etcd.discovery.health-interval=100ms")) {
			String key = key(app);
			await().atMost(Duration.ofSeconds(5)).until(() -> "UP".equals(health(key)));
			assertThat(status(key)).isNull();
		}
	}

	@Test
	void noHealthIsPublishedWhenTheIntervalIsOff() {
		try (ConfigurableApplicationContext app = Apps.run(etcd.cluster(), "spring.application.name=silent",
				"etcd.discovery.port=9516", "etcd.discovery.health-interval=0")) {
			String key = key(app);
			await().atMost(Duration.ofSeconds(5)).until(() -> status(key) != null);
			assertThat(health(key)).isNull();
		}
	}

	/**
	 * A health indicator a test can turn DOWN.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Switchable {

		final AtomicReference<Health> health = new AtomicReference<>(Health.up().build());

		@Bean
		HealthIndicator switchable() {
			return this.health::get;
		}

	}

	private static String key(ConfigurableApplicationContext app) {
		return app.getBean(EtcdServiceRegistry.class).key(app.getBean(EtcdRegistration.class));
	}

	// The value the registration was created with: what a watcher of the registry saw
	// first.
	private static byte[] firstValue(String key) {
		KeyValue current = keys.get(key);
		return EtcdKeys
			.await(keys.client()
				.getKVClient()
				.get(EtcdKeys.bytes(key), GetOption.builder().withRevision(current.getCreateRevision()).build()))
			.getKvs()
			.get(0)
			.getValue()
			.getBytes();
	}

	private static EtcdConfigStatus status(String key) {
		KeyValue entry = keys.get(key);
		return (entry != null) ? FORMAT.readConfigStatus(entry.getValue().getBytes()) : null;
	}

	private static String health(String key) {
		KeyValue entry = keys.get(key);
		return (entry != null) ? FORMAT.readHealth(entry.getValue().getBytes()) : null;
	}

}
