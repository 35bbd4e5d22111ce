package io.github.etcdconfig.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMember;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The {@code etcdConfig} health indicator across an etcd outage: UP while watching, UP
 * with the state and the error during a short outage, DOWN once the outage outlasts
 * {@code etcd.config.health.down-after}, UP again after.
 */
class EtcdConfigHealthTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@AutoClose
	static EtcdKeys keys;

	static final String[] FAST_WATCH = { "etcd.config.watch.check-interval=200ms", "etcd.config.watch.retry-delay=50ms",
			"etcd.config.watch.max-retry-delay=200ms", "etcd.request-timeout=1s" };

	@BeforeAll
	static void seed() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config/database/host", "postgres");
	}

	@AfterEach
	void etcdIsBack() {
		EtcdMember member = etcd.cluster().member(0);
		if (!member.isRunning()) {
			member.start();
		}
	}

	@Test
	void upWhileWatchingWithEndpointsPrefixesRevisionAndState() {
		long revision = keys.put("/config/database/port", "5432");
		try (ConfigurableApplicationContext context = run("etcd.config.health.down-after=1m")) {
			awaitWatching(context);
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("endpoints", List.of(etcd.cluster().endpointsProperty()))
				.containsEntry("prefixes", List.of("/config/"))
				.containsEntry("revision", revision)
				.containsEntry("stale", false)
				.doesNotContainKeys("lastError", "notWatchingSince");
		}
	}

	@Test
	void staysUpShowingTheStateAndTheErrorWhileEtcdIsBrieflyAway() {
		try (ConfigurableApplicationContext context = run("etcd.config.health.down-after=1m")) {
			awaitWatching(context);
			etcd.cluster().member(0).kill();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> !"WATCHING".equals(health(context).getDetails().get("state")));
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails().get("state")).isIn("RECONNECTING", "RESYNCING", "UNREACHABLE");
			assertThat(health.getDetails()).containsKeys("lastError", "lastErrorTime", "notWatchingSince");
			assertThat((String) health.getDetails().get("lastError")).isNotBlank().doesNotContain("\tat ");

			etcd.cluster().member(0).start();
			awaitWatching(context);
			assertThat(health(context).getStatus()).isEqualTo(Status.UP);
		}
	}

	@Test
	void turnsDownWhenEtcdStaysAwayLongerThanDownAfterAndUpWhenItIsBack() {
		try (ConfigurableApplicationContext context = run("etcd.config.health.down-after=1s")) {
			awaitWatching(context);
			etcd.cluster().member(0).kill();
			await().atMost(Duration.ofSeconds(10)).until(() -> health(context).getStatus().equals(Status.DOWN));
			assertThat(health(context).getDetails()).containsKeys("lastError", "notWatchingSince");

			etcd.cluster().member(0).start();
			// UP as soon as the watch is being re-created (within the grace period),
			// WATCHING once it is.
			await().atMost(Duration.ofSeconds(10)).until(() -> health(context).getStatus().equals(Status.UP));
			awaitWatching(context);
			assertThat(health(context).getStatus()).isEqualTo(Status.UP);
		}
	}

	@Test
	void detailsEachSourceWhenThereAreSeveral() {
		String endpoints = etcd.cluster().endpointsProperty();
		try (ConfigurableApplicationContext context = run("spring.config.import=etcd:" + endpoints
				+ "?prefixes=/config/,etcd:" + endpoints + "?prefixes=/feature-flags/")) {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> sources(health(context)).stream()
					.allMatch((source) -> "WATCHING".equals(source.get("state"))));
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(sources(health)).extracting((source) -> source.get("prefixes"), (source) -> source.get("status"))
				.containsExactlyInAnyOrder(tuple(List.of("/config/"), "UP"), tuple(List.of("/feature-flags/"), "UP"));
		}
	}

	@Test
	void canBeTurnedOff() {
		try (ConfigurableApplicationContext context = run("management.health.etcdconfig.enabled=false")) {
			assertThat(context.getBean(HealthContributorRegistry.class).getContributor("etcdConfig")).isNull();
		}
	}

	static ConfigurableApplicationContext run(String... properties) {
		String[] all = new String[FAST_WATCH.length + properties.length];
		System.arraycopy(FAST_WATCH, 0, all, 0, FAST_WATCH.length);
		System.arraycopy(properties, 0, all, FAST_WATCH.length, properties.length);
		return Apps.run(etcd.cluster(), all);
	}

	static void awaitWatching(ConfigurableApplicationContext context) {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "WATCHING".equals(health(context).getDetails().get("state")));
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> sources(Health health) {
		return (List<Map<String, Object>>) health.getDetails().get("sources");
	}

	static Health health(ConfigurableApplicationContext context) {
		HealthIndicator indicator = (HealthIndicator) context.getBean(HealthContributorRegistry.class)
			.getContributor("etcdConfig");
		return indicator.health();
	}

}
