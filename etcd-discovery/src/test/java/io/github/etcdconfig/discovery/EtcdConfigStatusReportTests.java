package io.github.etcdconfig.discovery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.etcd.jetcd.KeyValue;
import io.github.etcdconfig.refresh.EtcdRejectedProperty;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.verify.EtcdConfigVerdict;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance that loads configuration from etcd reports in its registration the revision
 * it has applied, whether its values are stale and its watch state, so the operator tools
 * can tell which instances have a release.
 */
class EtcdConfigStatusReportTests {

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

	@Test
	void theRegistrationCarriesTheAppliedRevisionAfterARefreshOnTheSameLease() {
		keys.put("/config-apps/reporting/greeting", "hello");
		try (ConfigurableApplicationContext app = Apps.run(etcd.cluster(), "spring.application.name=reporting",
				"etcd.discovery.port=9501")) {
			String key = key(app);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> status(key) != null && "WATCHING".equals(status(key).state()));
			assertThat(status(key).stale()).isFalse();
			long lease = keys.get(key).getLease();

			long revision = keys.put("/config-apps/reporting/greeting", "hi");
			await().atMost(Duration.ofSeconds(5)).until(() -> status(key).revision() == revision);
			assertThat(keys.get(key).getLease()).isEqualTo(lease);
			assertThat(app.getBean(DiscoveryClient.class).getInstances("reporting")).hasSize(1);
		}
	}

	@Test
	void aChangeThatTouchesNoPropertyOfTheInstanceCountsAsApplied() {
		try (ConfigurableApplicationContext app = Apps.run(etcd.cluster(), "spring.application.name=grayed",
				"etcd.discovery.port=9502")) {
			String key = key(app);
			long revision = keys.put("/config-apps/grayed/profiles/canary/greeting", "only for the canary");
			await().atMost(Duration.ofSeconds(5)).until(() -> status(key).revision() == revision);
		}
	}

	@Test
	void aBurstOfRefreshesIsWrittenAFewTimesEndingWithTheLastRevision() {
		try (ConfigurableApplicationContext app = Apps.run(etcd.cluster(), "spring.application.name=bursty",
				"etcd.discovery.port=9503", "etcd.discovery.config-status-interval=1s")) {
			String key = key(app);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> status(key) != null && "WATCHING".equals(status(key).state()));
			long versionBefore = keys.get(key).getVersion();
			long start = System.nanoTime();
			long last = 0;
			for (int i = 0; i < 200; i++) {
				last = keys.put("/config-apps/bursty/counter", Integer.toString(i));
			}
			long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
			long revision = last;
			await().atMost(Duration.ofSeconds(5)).until(() -> status(key).revision() == revision);
			// One write at once, then at most one per second of the burst, and the last
			// one after it.
			assertThat(keys.get(key).getVersion() - versionBefore).isBetween(1L, seconds + 3);
		}
	}

	@Test
	void aRejectedRevisionIsReportedBesideTheAppliedOneUntilAFixedOneIsApplied() {
		long applied = keys.put("/config-apps/refusing/limit", "5");
		try (ConfigurableApplicationContext app = Apps.run(etcd.cluster(), new Class<?>[] { Limited.class },
				"spring.application.name=refusing", "etcd.discovery.port=9504")) {
			String key = key(app);
			await().atMost(Duration.ofSeconds(5)).until(() -> status(key) != null && status(key).verifies());

			long rejected = keys.put("/config-apps/refusing/limit", "lots");

			await().atMost(Duration.ofSeconds(5))
				.until(() -> status(key).rejected() != null && status(key).rejected().revision() == rejected);
			assertThat(status(key).revision()).isEqualTo(applied);
			assertThat(status(key).rejected().properties()).containsExactly(new EtcdRejectedProperty("limit",
					"cannot be converted to int for @Value of bean 'etcdConfigStatusReportTests.Limited' (limit)"));
			assertThat(keys.get(key).getValue().toString()).doesNotContain("lots");

			long fixed = keys.put("/config-apps/refusing/limit", "6");

			await().atMost(Duration.ofSeconds(5)).until(() -> status(key).revision() == fixed);
			assertThat(status(key).rejected()).isNull();
		}
	}

	@Test
	void aVerdictOnAProposalIsWrittenAtOnce() {
		try (ConfigurableApplicationContext app = Apps.run(etcd.cluster(), new Class<?>[] { Limited.class },
				"spring.application.name=judged", "etcd.discovery.port=9505",
				"etcd.discovery.config-status-interval=1m")) {
			String key = key(app);
			await().atMost(Duration.ofSeconds(5)).until(() -> status(key) != null && status(key).verifies());
			String layer = "/config-apps/judged/";

			keys.put("/config-proposals/config-apps/judged/p-1", "{\"id\": \"p-1\", \"layer\": \"" + layer
					+ "\", \"baseRevision\": 1, \"puts\": {\"" + layer + "limit\": \"s3cret\"}, \"deletes\": []}");

			await().atMost(Duration.ofSeconds(5)).until(() -> !status(key).verdicts().isEmpty());
			EtcdConfigVerdict verdict = status(key).verdicts().get(0);
			assertThat(verdict.proposal()).isEqualTo("p-1");
			assertThat(verdict.verdict()).isEqualTo(EtcdConfigVerdict.Verdict.REJECTED);
			assertThat(verdict.properties()).extracting(EtcdRejectedProperty::name).containsExactly("limit");
			assertThat(keys.get(key).getValue().toString()).doesNotContain("s3cret");
		}
	}

	@Test
	void anEntryInTheSeedsFormReportsNoConfiguration() {
		byte[] seed = "{\"endpoint\": \"http://localhost:3001\", \"status\": \"healthy\"}"
			.getBytes(StandardCharsets.UTF_8);
		assertThat(FORMAT.readConfigStatus(seed)).isNull();
		assertThat(FORMAT.read("auth-service", "node-1", seed).getPort()).isEqualTo(3001);
	}

	/**
	 * A bean with a {@code @Value} a release can break.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Limited {

		@Value("${limit:1}")
		volatile int limit;

	}

	private static String key(ConfigurableApplicationContext app) {
		return app.getBean(EtcdServiceRegistry.class).key(app.getBean(EtcdRegistration.class));
	}

	private static EtcdConfigStatus status(String key) {
		KeyValue entry = keys.get(key);
		return (entry != null) ? FORMAT.readConfigStatus(entry.getValue().getBytes()) : null;
	}

}
