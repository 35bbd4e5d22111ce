package io.github.etcdconfig.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.etcd.jetcd.options.PutOption;
import io.github.etcdconfig.config.EtcdRolloutSelector;
import io.github.etcdconfig.release.EtcdConfigFile;
import io.github.etcdconfig.release.EtcdPushOptions;
import io.github.etcdconfig.release.EtcdReleaseSettings;
import io.github.etcdconfig.release.EtcdReleases;
import io.github.etcdconfig.release.EtcdRolloutOptions;
import io.github.etcdconfig.release.EtcdRolloutState;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.StandIns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Staged rollouts from the command line, against stand-in instances: {@code push
 * --canary} driven in the foreground to its end (exit 0) or to its rollback (exit 7,
 * naming the instance and the cause), refusals (exit 3 while a rollout runs, exit 2 for a
 * rollout that deletes), and {@code rollout status|pause|resume|abort}.
 */
class EtcdRolloutCliTests {

	private static final List<String> FOUR = List.of("i1", "i2", "i3", "i4");

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	static Cli cli;

	static EtcdReleases releases;

	@TempDir
	static Path dir;

	@BeforeAll
	static void connect() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		cli = new Cli("--endpoints", etcd.cluster().endpointsProperty());
		releases = new EtcdReleases(keys.client(), EtcdReleaseSettings.defaults());
	}

	@AfterAll
	static void close() {
		keys.close();
	}

	private static StandIns standIns(String app) {
		keys.put("/config-apps/" + app + "/greeting", "hello");
		return new StandIns(keys, app, FOUR, (json, id, metadata) -> {
			EtcdRolloutSelector selector = EtcdRolloutSelector.parse(json);
			return selector.matches(id, metadata) ? selector.id() : null;
		});
	}

	private static String file(String name, String yaml) {
		try {
			Path path = dir.resolve(name);
			Files.writeString(path, yaml, StandardCharsets.UTF_8);
			return path.toString();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Test
	void pushWithACanaryDrivesTheRolloutStageByStageAndExitsZeroWhenItCompletes() {
		try (StandIns instances = standIns("cli-complete")) {
			Cli.Result result = cli.run("push", file("complete.yml", "greeting: hi\n"), "--app", "cli-complete",
					"--canary", "1", "--steps", "50%", "--bake", "200ms", "--yes");

			assertThat(result.exitCode()).as(result.err()).isZero();
			assertThat(result.out()).contains("Started rollout", "stage 1/3 (1)", "Stage 2/3 (50%) reached",
					"Completed");
			assertThat(keys.value("/config-apps/cli-complete/greeting")).isEqualTo("hi");
			Cli.Result status = cli.run("rollout", "status", "--app", "cli-complete");
			assertThat(status.out()).contains("COMPLETED at stage 3/3 (100%)", "50%");
		}
	}

	@Test
	void aRolledBackRolloutExitsSevenNamingTheInstanceAndTheCause() {
		try (StandIns instances = standIns("cli-rollback")) {
			CompletableFuture<Cli.Result> push = CompletableFuture
				.supplyAsync(() -> cli.run("push", file("rollback.yml", "greeting: hi\n"), "--app", "cli-rollback",
						"--canary", "i2", "--bake", "5m", "--yes"));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> releases.rollout("cli-rollback")
					.map((state) -> state.bakeStartedAt() != null)
					.orElse(false));

			instances.reject("i2");
			Cli.Result result = push.join();

			assertThat(result.exitCode()).isEqualTo(EtcdConfigCli.ROLLED_BACK);
			assertThat(result.err()).contains("Rolled back: cli-rollback/i2", "rejected the release");
			assertThat(keys.values("/config-apps/cli-rollback/_rollout/")).isEmpty();
			Cli.Result status = cli.run("rollout", "status", "--app", "cli-rollback");
			assertThat(status.out()).contains("ROLLED_BACK", "Cause: cli-rollback/i2: rejected the release");
		}
	}

	@Test
	void aReleaseOrASecondRolloutDuringARolloutExitsThreeAndRolloutStatusPauseResumeAbortControlIt() {
		try (StandIns instances = standIns("cli-control")) {
			releases.startRollout(
					releases.planPush(releases.layer("cli-control", null),
							List.of(new EtcdConfigFile("a.yml", "greeting: hi\n".getBytes(StandardCharsets.UTF_8))),
							EtcdPushOptions.DEFAULT),
					EtcdRolloutOptions.of("50%", null, Duration.ofMillis(200)), "alice", null);

			Cli.Result push = cli.run("push", file("other.yml", "greeting: hey\n"), "--app", "cli-control", "--yes",
					"--no-verify");
			assertThat(push.exitCode()).isEqualTo(EtcdConfigCli.CONFLICT);
			assertThat(push.err()).contains("A rollout of cli-control is running");
			Cli.Result second = cli.run("push", file("other.yml", "greeting: hey\n"), "--app", "cli-control",
					"--canary", "1", "--yes");
			assertThat(second.exitCode()).isEqualTo(EtcdConfigCli.CONFLICT);

			Cli.Result status = cli.run("rollout", "status", "--app", "cli-control");
			assertThat(status.exitCode()).isZero();
			assertThat(status.out()).contains("RUNNING at stage 1/2 (50%)", "INSTANCE", "SUBSET", "cli-control/i1");

			assertThat(cli.run("rollout", "pause", "--app", "cli-control").out()).contains("PAUSED");
			assertThat(releases.rollout("cli-control").orElseThrow().status())
				.isEqualTo(EtcdRolloutState.Status.PAUSED);
			Cli.Result resumed = cli.run("rollout", "resume", "--app", "cli-control");
			assertThat(resumed.exitCode()).as(resumed.err()).isZero();
			assertThat(resumed.out()).contains("Completed");
			assertThat(keys.value("/config-apps/cli-control/greeting")).isEqualTo("hi");
			assertThat(cli.run("rollout", "abort", "--app", "cli-control").exitCode()).isEqualTo(EtcdConfigCli.INVALID);
		}
	}

	@Test
	void anAbortRemovesTheValuesAndARolloutThatDeletesIsRefusedWithExitTwo() {
		try (StandIns instances = standIns("cli-abort")) {
			keys.put("/config-apps/cli-abort/old", "x");
			Cli.Result deleting = cli.run("push", file("prune.yml", "greeting: hi\n"), "--app", "cli-abort", "--prune",
					"--canary", "1", "--yes");
			assertThat(deleting.exitCode()).isEqualTo(EtcdConfigCli.INVALID);
			assertThat(deleting.err()).contains("never deletes a key");

			CompletableFuture<Cli.Result> push = CompletableFuture
				.supplyAsync(() -> cli.run("push", file("abort.yml", "greeting: hi\n"), "--app", "cli-abort",
						"--canary", "50%", "--bake", "5m", "--yes"));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> releases.rollout("cli-abort").map(EtcdRolloutState::isActive).orElse(false));
			Cli.Result abort = cli.run("rollout", "abort", "--app", "cli-abort", "--author", "carol");

			assertThat(abort.exitCode()).isZero();
			assertThat(abort.out()).contains("ABORTED", "aborted by carol");
			assertThat(push.join().exitCode()).isEqualTo(EtcdConfigCli.ROLLED_BACK);
			assertThat(keys.values("/config-apps/cli-abort/_rollout/")).isEmpty();
		}
	}

	@Test
	void anApplyTimeoutWithoutACanaryIsRefusedWithExitTwo() {
		Cli.Result result = cli.run("push", file("timeout.yml", "greeting: hi\n"), "--app", "cli-timeout",
				"--apply-timeout", "1s", "--yes");

		assertThat(result.exitCode()).isEqualTo(EtcdConfigCli.INVALID);
		assertThat(result.err()).contains("--apply-timeout applies to a staged rollout");
		assertThat(keys.value("/config-apps/cli-timeout/greeting")).isNull();
	}

	@Test
	void resumeAfterAKilledCommandLineWaitsForItsLockSayingSoAndFinishesTheRollout() {
		try (StandIns instances = standIns("cli-killed")) {
			releases.startRollout(
					releases.planPush(releases.layer("cli-killed", null),
							List.of(new EtcdConfigFile("a.yml", "greeting: hi\n".getBytes(StandardCharsets.UTF_8))),
							EtcdPushOptions.DEFAULT),
					EtcdRolloutOptions.of("1", null, Duration.ofMillis(200)), "alice", null);
			// What a command line killed while driving leaves: its lock, until its lease
			// expires.
			long lease = EtcdKeys.await(keys.client().getLeaseClient().grant(2)).getID();
			EtcdKeys.await(keys.client()
				.getKVClient()
				.put(EtcdKeys.bytes("/config-releases/config-apps/cli-killed/rollout-driver"),
						EtcdKeys.bytes("driver 4242@ops-host"), PutOption.builder().withLeaseId(lease).build()));

			Cli.Result status = cli.run("rollout", "status", "--app", "cli-killed");
			Cli.Result resumed = cli.run("rollout", "resume", "--app", "cli-killed");

			assertThat(status.out()).contains("RUNNING at stage 1/2 (1)");
			assertThat(resumed.exitCode()).as(resumed.err()).isZero();
			assertThat(resumed.out()).contains("held by driver 4242@ops-host", "within 10 s", "Completed");
			assertThat(keys.value("/config-apps/cli-killed/greeting")).isEqualTo("hi");
		}
	}

}
