package io.github.etcdconfig.release;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.etcdconfig.config.EtcdConfigStores;
import io.github.etcdconfig.refresh.EtcdConfigChangedEvent;
import io.github.etcdconfig.release.support.ChildMain;
import io.github.etcdconfig.release.support.Files;
import io.github.etcdconfig.release.support.Refreshes;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.ChildJvm;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Releases as running instances of an application see them: one refresh per release, a
 * gray release for the instances of one profile, and which instances have applied a
 * release.
 */
class EtcdReleaseInstancesTests {

	// Instances report the revision they applied quickly, for the rollout.
	private static final String STATUS_INTERVAL = "etcd.discovery.config-status-interval=100ms";

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	static EtcdReleases releases;

	@BeforeAll
	static void connect() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		releases = new EtcdReleases(keys.client(), EtcdReleaseSettings.defaults());
	}

	@AfterAll
	static void close() {
		keys.close();
	}

	@Test
	void aPushOf100KeysReachesARunningApplicationAsOneRefreshAtTheReleasesRevision() {
		try (ConfigurableApplicationContext app = instance("billing")) {
			List<EtcdConfigChangedEvent> refreshes = app.getBean(Refreshes.class).events();
			StringBuilder yaml = new StringBuilder();
			for (int i = 0; i < 100; i++) {
				yaml.append("limits.key-").append(i).append(": ").append(i).append('\n');
			}
			EtcdRelease release = publish(releases.layer("billing", null), yaml.toString());

			// A change after the release marks the end: every refresh of the release has
			// arrived before it.
			await().atMost(Duration.ofSeconds(10)).until(() -> !refreshes.isEmpty());
			long marker = keys.put("/config-apps/billing/marker", "end");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> refreshes.get(refreshes.size() - 1).getRevision() == marker);
			assertThat(refreshes).extracting(EtcdConfigChangedEvent::getRevision)
				.containsExactly(release.revision(), marker);
			assertThat(refreshes.get(0).getChanges()).hasSize(100);
			assertThat(app.getEnvironment().getProperty("limits.key-99")).isEqualTo("99");
		}
	}

	@Test
	void aGrayReleaseReachesOnlyTheCanaryInstancesUntilItIsPromoted() {
		keys.put("/config-apps/shop/greeting", "hello");
		try (ConfigurableApplicationContext stable = instance("shop");
				ConfigurableApplicationContext canary = instance("shop", "spring.profiles.active=canary")) {
			EtcdRelease gray = publish(releases.layer("shop", "canary"), "greeting: hi\n");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> revision(stable) >= gray.revision() && revision(canary) >= gray.revision());
			assertThat(canary.getEnvironment().getProperty("greeting")).isEqualTo("hi");
			assertThat(stable.getEnvironment().getProperty("greeting")).isEqualTo("hello");

			List<EtcdRelease> promoted = releases.publish(releases.planPromote("shop", "canary"), "alice",
					"canary is fine");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "hi".equals(stable.getEnvironment().getProperty("greeting")));
			assertThat(canary.getEnvironment().getProperty("greeting")).isEqualTo("hi");
			assertThat(keys.values("/config-apps/shop/")).containsOnly(Map.entry("/config-apps/shop/greeting", "hi"));
			assertThat(promoted).extracting(EtcdRelease::layer)
				.containsExactly("/config-apps/shop/", "/config-apps/shop/profiles/canary/");
			assertThat(promoted.get(0).revision()).isEqualTo(promoted.get(1).revision());
		}
	}

	@Test
	void aStoppedInstanceIsNamedAsNotHavingAppliedAReleaseUntilItRuns() {
		try (ChildJvm frozen = ChildJvm.start(ChildMain.class, endpoints(), "checkout", STATUS_INTERVAL,
				"etcd.discovery.port=9602", "etcd.discovery.ttl=60s");
				ConfigurableApplicationContext running = instance("checkout", "etcd.discovery.port=9601")) {
			frozen.awaitLine("READY", Duration.ofSeconds(60));
			EtcdLayer checkout = releases.layer("checkout", null);
			EtcdRelease first = publish(checkout, "payment.provider: acme\n");
			EtcdRollout both = releases.awaitRevision("checkout", first.revision(), Duration.ofSeconds(20));
			assertThat(both.complete()).isTrue();
			assertThat(both.instances()).extracting(EtcdInstanceStatus::instance)
				.containsExactly("checkout-127.0.0.1-9601", "checkout-127.0.0.1-9602");

			frozen.freeze();
			EtcdRelease second = publish(checkout, "payment.provider: other\n");
			EtcdRollout partial = releases.awaitRevision("checkout", second.revision(), Duration.ofSeconds(2));
			assertThat(partial.complete()).isFalse();
			assertThat(partial.pending()).extracting(EtcdInstanceStatus::instance)
				.containsExactly("checkout-127.0.0.1-9602");

			frozen.thaw();
			assertThat(releases.awaitRevision("checkout", second.revision(), Duration.ofSeconds(20)).complete())
				.isTrue();
		}
	}

	private static EtcdRelease publish(EtcdLayer layer, String yaml) {
		return releases.publish(releases.planPush(layer, Files.yaml(yaml), EtcdPushOptions.DEFAULT), "alice", null)
			.get(0);
	}

	private static String endpoints() {
		return etcd.cluster().endpointsProperty();
	}

	private static ConfigurableApplicationContext instance(String name, String... properties) {
		String[] settings = new String[properties.length + 1];
		settings[0] = STATUS_INTERVAL;
		System.arraycopy(properties, 0, settings, 1, properties.length);
		return Apps.run(endpoints(), name, new Class<?>[] { Refreshes.class }, settings);
	}

	// The etcd revision an instance has read up to.
	private static long revision(ConfigurableApplicationContext app) {
		return app.getBean(EtcdConfigStores.class).getStores().get(0).getSnapshot().getRevision();
	}

}
