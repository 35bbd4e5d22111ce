package io.github.etcdconfig.release;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.etcdconfig.config.EtcdRolloutSelector;
import io.github.etcdconfig.release.support.Files;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMember;
import io.github.etcdconfig.test.StandIns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A staged rollout whose etcd restarts while a stage bakes: the driver rides out the
 * outage and goes on from the state kept in etcd; the rollout is never half-applied.
 */
class EtcdRolloutOutageTests {

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
	void aRolloutWhoseEtcdRestartsDuringABakeCompletesAfterIt() {
		keys.put("/config-apps/outage/greeting", "hello");
		try (StandIns instances = new StandIns(keys, "outage", List.of("o1", "o2", "o3", "o4"),
				(json, id, metadata) -> {
					EtcdRolloutSelector selector = EtcdRolloutSelector.parse(json);
					return selector.matches(id, metadata) ? selector.id() : null;
				})) {
			releases.startRollout(
					releases.planPush(releases.layer("outage", null), Files.yaml("greeting: hi\n"),
							EtcdPushOptions.DEFAULT),
					EtcdRolloutOptions.of("1", null, Duration.ofSeconds(3)), "alice", null);
			List<EtcdRolloutStatus> steps = new CopyOnWriteArrayList<>();
			CompletableFuture<EtcdRolloutResult> driving = CompletableFuture
				.supplyAsync(() -> releases.rolloutDriver("outage").run(steps::add));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> steps.stream().anyMatch((step) -> step.event() == EtcdRolloutStatus.Event.BAKING));

			EtcdMember member = etcd.cluster().member(0);
			member.stop();
			member.start();
			EtcdRolloutResult result = driving.join();

			assertThat(result.outcome()).isEqualTo(EtcdRolloutResult.Outcome.COMPLETED);
			assertThat(keys.value("/config-apps/outage/greeting")).isEqualTo("hi");
			assertThat(keys.values("/config-apps/outage/_rollout/")).isEmpty();
			assertThat(releases.rollout("outage").orElseThrow().status()).isEqualTo(EtcdRolloutState.Status.COMPLETED);
		}
	}

}
