package io.github.etcdconfig.release;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.github.etcdconfig.config.EtcdConfigStores;
import io.github.etcdconfig.release.support.Files;
import io.github.etcdconfig.test.Apps;
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
 * A staged rollout driven against running applications (etcd-discovery registrations, the
 * starter's rollout layer): the driver waits for what the instances report, and an
 * instance outside the subset never sees the rollout's value before it completes.
 */
class EtcdRolloutInstancesTests {

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

	private static ConfigurableApplicationContext instance(int number) {
		return Apps.run(etcd.cluster().endpointsProperty(), "rolled", new Class<?>[0],
				"etcd.discovery.instance-id=rolled-" + number, "etcd.discovery.port=" + (9720 + number),
				"etcd.discovery.config-status-interval=100ms");
	}

	@Test
	void aRolloutReachesTheCanaryFirstAndTheOthersOnlyWhenItCompletes() throws Exception {
		keys.put("/config-apps/rolled/greeting", "hello");
		try (ConfigurableApplicationContext canary = instance(1);
				ConfigurableApplicationContext other = instance(2);
				ConfigurableApplicationContext third = instance(3)) {
			await().atMost(Duration.ofSeconds(20))
				.until(() -> releases.instances("rolled")
					.stream()
					.filter(EtcdInstanceStatus::isReporting)
					.count() == 3);
			AtomicBoolean sampling = new AtomicBoolean(true);
			AtomicInteger samples = new AtomicInteger();
			AtomicInteger samplesAtBake = new AtomicInteger(-1);
			List<ConfigurableApplicationContext> outside = List.of(other, third);
			// Every 10 ms: a value read before the revision it came with, so that a
			// canary value seen below the completing revision is a leak.
			CompletableFuture<List<Long>> leaks = CompletableFuture.supplyAsync(() -> {
				List<Long> seen = new ArrayList<>();
				while (sampling.get()) {
					for (ConfigurableApplicationContext app : outside) {
						String value = app.getEnvironment().getProperty("greeting");
						long revision = app.getBean(EtcdConfigStores.class)
							.getStores()
							.get(0)
							.getSnapshot()
							.getRevision();
						if ("hi".equals(value)) {
							seen.add(revision);
						}
						samples.incrementAndGet();
					}
					LockSupport.parkNanos(10_000_000);
				}
				return seen;
			});

			EtcdRolloutState started = releases.startRollout(
					releases.planPush(releases.layer("rolled", null), Files.yaml("greeting: hi\n"),
							EtcdPushOptions.DEFAULT),
					EtcdRolloutOptions.of("rolled-1", null, Duration.ofSeconds(1)), "alice", null);
			EtcdRolloutResult result = releases.rolloutDriver("rolled").run((step) -> {
				if (step.event() == EtcdRolloutStatus.Event.BAKING) {
					samplesAtBake.compareAndSet(-1, samples.get());
					assertThat(canary.getEnvironment().getProperty("greeting")).isEqualTo("hi");
				}
			});
			sampling.set(false);

			assertThat(started.currentStage().instances()).containsExactly("rolled-1");
			assertThat(result.outcome()).isEqualTo(EtcdRolloutResult.Outcome.COMPLETED);
			long completed = result.release().revision();
			assertThat(leaks.get()).allSatisfy((revision) -> assertThat(revision).isGreaterThanOrEqualTo(completed));
			// Sampled after the bake began, however busy the machine.
			assertThat(samples.get()).isGreaterThan(samplesAtBake.get());
			await().atMost(Duration.ofSeconds(5))
				.until(() -> "hi".equals(other.getEnvironment().getProperty("greeting"))
						&& "hi".equals(third.getEnvironment().getProperty("greeting")));
		}
	}

}
