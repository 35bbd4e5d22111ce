package io.github.etcdconfig.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.refresh.EtcdConfigWatchers;
import io.github.etcdconfig.watch.EtcdWatchStatus;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Layering: shared /config/ &lt; /config-apps/{application}/ &lt;
 * /config-apps/{application}/profiles/{profile}/.
 */
class EtcdConfigLayeringTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@AutoClose
	static EtcdKeys keys;

	@BeforeAll
	static void seed() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config/database/host", "shared");
		keys.put("/config/database/port", "5432");
		keys.put("/config-apps/billing/database/host", "billing");
		keys.put("/config-apps/billing/profiles/prod/database/host", "billing-prod");
		keys.put("/config-apps/billing/profiles/eu/database/host", "billing-eu");
		keys.put("/config-apps/payment/database/host", "payment");
		keys.put("/other/database/host", "other");
	}

	@Test
	void withoutAnApplicationNameOnlySharedKeysApply() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster())) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("shared");
		}
	}

	@Test
	void applicationKeysOverrideSharedKeys() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "spring.application.name=billing")) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("billing");
			assertThat(context.getEnvironment().getProperty("database.port")).isEqualTo("5432");
		}
	}

	@Test
	void anInstanceHoldsNoKeyOfAnotherApplicationOrOfAProfileThatIsNotActive() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "spring.application.name=billing",
				"spring.profiles.active=prod")) {
			EtcdConfigSnapshot snapshot = context.getBean(EtcdConfigStores.class).getStores().get(0).getSnapshot();
			List<String> held = new ArrayList<>();
			snapshot.forEachKey((key, value, revision) -> held.add(key));
			assertThat(held).containsExactlyInAnyOrder("/config/database/host", "/config/database/port",
					"/config-apps/billing/database/host", "/config-apps/billing/profiles/prod/database/host");
		}
	}

	@Test
	void anotherApplicationsChangeSendsThisOneNoWatchEvent() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "spring.application.name=billing")) {
			EtcdWatchStatus watch = context.getBean(EtcdConfigWatchers.class)
				.getWatchers()
				.get(0)
				.getWatcher()
				.getStatus();
			long responses = watch.getResponses();
			keys.put("/config-apps/payment/database/host", "payment-2");
			keys.put("/config/marker", "after-payment");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "after-payment".equals(context.getEnvironment().getProperty("marker")));
			assertThat(watch.getResponses()).isEqualTo(responses + 1);
		}
	}

	@Test
	void profileKeysOverrideApplicationKeys() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "spring.application.name=billing",
				"spring.profiles.active=prod")) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("billing-prod");
		}
	}

	@Test
	void theLaterOfTwoActiveProfilesWins() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "spring.application.name=billing",
				"spring.profiles.active=prod,eu")) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("billing-eu");
		}
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "spring.application.name=billing",
				"spring.profiles.active=eu,prod")) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("billing-prod");
		}
	}

	@Test
	void prefixesCanBeConfigured() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(),
				"etcd.config.prefixes=/config/,/other/")) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("other");
			assertThat(context.getEnvironment().getProperty("database.port")).isEqualTo("5432");
		}
	}

	@Test
	void anImportLocationNamesEndpointsAndPrefixes() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "etcd.endpoints=http://127.0.0.1:1",
				"spring.config.import=etcd:" + etcd.cluster().clientEndpoints().get(0) + "?prefixes=/other/")) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("other");
			assertThat(context.getEnvironment().getProperty("database.port")).isNull();
		}
	}

}
