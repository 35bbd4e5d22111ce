package io.github.etcdconfig.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.github.etcdconfig.cli.fleet.Fleet;
import io.github.etcdconfig.cli.fleet.FleetApplication;
import io.github.etcdconfig.cli.fleet.FleetProbe;
import io.github.etcdconfig.cli.fleet.FleetProbe.Sample;
import io.github.etcdconfig.cli.fleet.RegistryEvents;
import io.github.etcdconfig.config.EtcdRolloutSelector;
import io.github.etcdconfig.release.EtcdConfigFile;
import io.github.etcdconfig.release.EtcdInstanceStatus;
import io.github.etcdconfig.release.EtcdPushOptions;
import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleaseSettings;
import io.github.etcdconfig.release.EtcdReleases;
import io.github.etcdconfig.release.EtcdRolloutOptions;
import io.github.etcdconfig.release.EtcdRolloutResult;
import io.github.etcdconfig.release.EtcdRolloutState;
import io.github.etcdconfig.test.ChildJvm;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Progressive rollout end to end (issue 23, "What must be shown"): six instances of
 * {@link FleetApplication}, each in a JVM of its own and registered with a 3 s lease,
 * sampled every 10 ms by a {@link FleetProbe} for the whole of each rollout, against a
 * real etcd. Rollouts go through the release API ({@link EtcdReleases#startRollout} and
 * its driver) as the CLI and the console call it, and through the CLI itself run as a
 * child process. Instance {@code i2} is strict: it rejects {@code roll.limit} above 100.
 */
class EtcdProgressiveRolloutTests {

	private static final String APP = "roll";

	private static final String LAYER = "/config-apps/roll/";

	private static final Duration APPLY = Duration.ofSeconds(20);

	private static final AtomicInteger RELEASES = new AtomicInteger();

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	static EtcdReleases releases;

	static Fleet fleet;

	@TempDir
	static Path dir;

	FleetProbe probe;

	@BeforeAll
	static void start() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		releases = new EtcdReleases(keys.client(), EtcdReleaseSettings.defaults());
		keys.putAll(LAYER + "roll/value", "v0", LAYER + "roll/limit", "10");
		fleet = Fleet.start(etcd.cluster().endpointsProperty(), APP, 6, Set.of("i2"));
		await().atMost(APPLY).until(() -> registered().size() == 6);
	}

	@AfterAll
	static void stop() {
		if (fleet != null) {
			fleet.close();
		}
		keys.close();
	}

	@BeforeEach
	void sample() {
		this.probe = FleetProbe.start(fleet);
		// Every instance answers and agrees before a rollout starts.
		await().atMost(APPLY).until(() -> fleet.ids().stream().allMatch((id) -> this.probe.latest(id).isPresent()));
	}

	@AfterEach
	void settle() {
		this.probe.close();
		// The next test starts from no rollout and every instance with the layer's
		// values.
		releases.rollout(APP)
			.filter(EtcdRolloutState::isActive)
			.ifPresent((state) -> releases.abortRollout(APP, "test"));
	}

	@Test
	void anInstanceOutsideTheSubsetNeverSeesACanaryValue() {
		Map<String, Sample> before = latest();
		String value = nextValue();
		EtcdRolloutState state = releases.startRollout(plan(value, null), options("i1,i3,i5", "1h"), "alice", null);
		awaitValue(Set.of("i1", "i3", "i5"), value);
		// The subset keeps the canary values for a while, with every instance sampled.
		long holdUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
		await().atMost(APPLY).until(() -> System.nanoTime() > holdUntil);
		releases.abortRollout(APP, "alice");
		awaitValues(before);

		for (String id : List.of("i2", "i4", "i6")) {
			// About 100 a second while the machine keeps up; at least half of that.
			assertThat(this.probe.samples(id)).as(id).hasSizeGreaterThan(100);
			assertThat(this.probe.count(id, (sample) -> sample.hasValue(value))).as(id).isZero();
			System.out.println("No leak: " + id + " sampled " + this.probe.samples(id).size() + " times");
		}
		assertThat(state.stages().get(0).instances()).containsExactlyInAnyOrder("i1", "i3", "i5");
	}

	@Test
	void anInstanceStartedDuringTheRolloutTakesTheCanaryValuesWhenItMatchesAndNeverWhenItDoesNot() {
		Map<String, Sample> before = latest();
		String value = nextValue();
		releases.startRollout(plan(value, null), options("zone=a", "1h"), "alice", null);
		awaitValue(Set.of("i1", "i3", "i5"), value);
		fleet.restart("i5", "i6");
		// The old JVMs are gone: every sample from here on is of the new ones.
		long restarted = System.nanoTime();
		// Each new JVM answers from its own start: wait for enough samples of both.
		await().atMost(APPLY)
			.until(() -> this.probe.count("i5", (sample) -> sample.at() > restarted) > 100
					&& this.probe.count("i6", (sample) -> sample.at() > restarted) > 100);
		long aborting = System.nanoTime();
		releases.abortRollout(APP, "alice");
		awaitValues(before);

		// From its first answer on, the new i5 (zone=a) has the canary value; the new i6
		// (zone=b) never had it.
		List<Sample> started = this.probe.samples("i5")
			.stream()
			.filter((sample) -> sample.at() > restarted && sample.at() < aborting)
			.toList();
		assertThat(started).hasSizeGreaterThan(100).allMatch((sample) -> sample.hasValue(value));
		assertThat(this.probe.count("i6", (sample) -> sample.hasValue(value))).isZero();
	}

	@Test
	void aFiftyPercentSharePicksThreeOfSixAndTheSameThreeAgainForTheSameRelease() {
		Map<String, Sample> before = latest();
		String value = nextValue();
		EtcdReleasePlan plan = plan(value, null);
		Set<String> first = canaryOf(plan, value);
		releases.abortRollout(APP, "alice");
		awaitValues(before);
		Set<String> second = canaryOf(plan(value, null), value);

		assertThat(first).hasSize(3);
		assertThat(second).isEqualTo(first);
	}

	@Test
	void aRejectionInTheSubsetRestoresEverySubsetInstance() {
		Map<String, Sample> before = latest();
		String value = nextValue();
		Set<String> subset = Set.of("i1", "i2", "i3");
		try (RegistryEvents registry = new RegistryEvents(keys.client(), "/services/roll/", keys.revision())) {
			releases.startRollout(plan(value, "500"), options("i1,i2,i3", "1h"), "alice", null);
			EtcdRolloutResult result = drive().join();
			long rejected = registry.first((event) -> event.instance().equals("i2") && event.rejects())
				.orElseThrow()
				.at();

			assertThat(result.state().status()).isEqualTo(EtcdRolloutState.Status.ROLLED_BACK);
			assertThat(result.state().cause().instance()).endsWith("/i2");
			report("rejection", awaitRestored(subset, before, rejected));
			assertOutsideNeverSaw(subset, value);
		}
	}

	@Test
	void aSubsetInstanceKilledDuringTheBakeRollsTheRolloutBackOnceItsLeaseExpires() {
		try {
			report("kill -9", rollBackWhenLost("i5", "i4", fleet::kill));
		}
		finally {
			fleet.restart("i4");
		}
	}

	@Test
	void aSubsetInstanceStoppedWithSigstopRollsTheRolloutBackOnceItsLeaseExpires() {
		Map<String, Sample> before = latest();
		try {
			report("SIGSTOP", rollBackWhenLost("i5", "i6", fleet::freeze));
		}
		finally {
			fleet.thaw("i6");
		}
		// The frozen one has its previous values as soon as it runs again.
		awaitValues(before);
	}

	// A rollout to two instances; once it bakes, one of them is lost. The rollout rolls
	// back naming it; the time from its lease expiring until the other one has its
	// previous values again.
	private Duration rollBackWhenLost(String kept, String lost, Consumer<String> loss) {
		Map<String, Sample> before = latest();
		String value = nextValue();
		Set<String> subset = Set.of(kept, lost);
		try (RegistryEvents registry = new RegistryEvents(keys.client(), "/services/roll/", keys.revision())) {
			releases.startRollout(plan(value, null), options(kept + "," + lost, "1h"), "alice", null);
			CompletableFuture<EtcdRolloutResult> driving = drive();
			awaitBaking();
			loss.accept(lost);
			EtcdRolloutResult result = driving.join();
			long expired = registry.first((event) -> event.instance().equals(lost) && event.deleted())
				.orElseThrow()
				.at();

			assertThat(result.state().status()).isEqualTo(EtcdRolloutState.Status.ROLLED_BACK);
			assertThat(result.state().cause().instance()).endsWith("/" + lost);
			Duration restored = awaitRestored(Set.of(kept), before, expired);
			assertOutsideNeverSaw(subset, value);
			return restored;
		}
	}

	@Test
	void aThreeStageRolloutReachesEveryInstanceAndEachRefreshesOncePerStageItTakesPartIn() {
		Map<String, Sample> before = latest();
		String value = nextValue();
		releases.startRollout(plan(value, null), EtcdRolloutOptions.of("2", "50%,100%", Duration.ofMillis(500)),
				"alice", null);
		EtcdRolloutResult result = drive().join();
		awaitValue(Set.copyOf(fleet.ids()), value);

		EtcdRolloutState state = result.state();
		assertThat(state.status()).isEqualTo(EtcdRolloutState.Status.COMPLETED);
		assertThat(state.stages()).hasSize(3).allSatisfy((stage) -> assertThat(stage.reachedAt()).isNotNull());
		assertThat(state.stages().get(0).instances()).hasSize(2);
		assertThat(state.stages().get(1).instances()).hasSize(3).containsAll(state.stages().get(0).instances());
		assertThat(keys.values(LAYER + EtcdRolloutSelector.FOLDER)).isEmpty();
		assertThat(keys.value(LAYER + "roll/value")).isEqualTo(value);
		for (String id : fleet.ids()) {
			// One refresh when the instance takes the release, none when its stage
			// widens or the release lands in the application's layer.
			long refreshes = this.probe.latest(id).orElseThrow().refreshes() - before.get(id).refreshes();
			assertThat(refreshes).as(id).isEqualTo(1);
			// Not before the stage it joined was reached: the probe's clock turned into
			// the wall clock the driver writes.
			Instant reached = state.stages().get(stageOf(state, id)).reachedAt();
			Sample seen = this.probe.first(id, 0, (sample) -> sample.hasValue(value)).orElseThrow();
			assertThat(wallClock(seen)).as(id).isAfterOrEqualTo(reached);
		}
	}

	@Test
	void theCliKilledInTheMiddleOfAStageLeavesARolloutThatStatusShowsAndResumeFinishes() throws Exception {
		String value = nextValue();
		Path file = file(value, null);
		Cli cli = new Cli("--endpoints", etcd.cluster().endpointsProperty());
		try (ChildJvm push = ChildJvm.start(List.of("-Xmx128m"), EtcdConfigCli.class, "push", file.toString(), "--app",
				APP, "--canary", "2", "--steps", "100%", "--bake", "3s", "--yes", "--endpoints",
				etcd.cluster().endpointsProperty())) {
			awaitBaking();
			push.kill();
		}
		Cli.Result status = cli.run("rollout", "status", "--app", APP);
		Cli.Result resume = cli.run("rollout", "resume", "--app", APP);

		assertThat(status.exitCode()).as(status.err()).isZero();
		assertThat(status.out()).contains(": RUNNING at stage 1/2 (2)").contains("this stage's bake ends");
		assertThat(resume.exitCode()).as(resume.out() + resume.err()).isEqualTo(EtcdConfigCli.OK);
		assertThat(releases.rollout(APP).orElseThrow().status()).isEqualTo(EtcdRolloutState.Status.COMPLETED);
		awaitValue(Set.copyOf(fleet.ids()), value);
	}

	@Test
	void etcdRestartedDuringARolloutLeavesItCompletedOrRolledBackNeverHalfApplied() {
		Map<String, Sample> before = latest();
		String value = nextValue();
		releases.startRollout(plan(value, null), EtcdRolloutOptions.of("3", "100%", Duration.ofSeconds(2)), "alice",
				null);
		CompletableFuture<EtcdRolloutResult> driving = drive();
		awaitBaking();
		etcd.cluster().member(0).stop();
		etcd.cluster().member(0).start();
		EtcdRolloutResult result = driving.join();
		if (result.state().status() != EtcdRolloutState.Status.COMPLETED) {
			// Rolled back, or the driver let go: a second driver ends it.
			result = drive().join();
		}

		EtcdRolloutState state = result.state();
		System.out.println("Rollout across an etcd restart: " + state.status()
				+ ((state.cause() != null) ? " (" + state.cause() + ")" : ""));
		assertThat(state.status()).isIn(EtcdRolloutState.Status.COMPLETED, EtcdRolloutState.Status.ROLLED_BACK);
		assertThat(keys.values(LAYER + EtcdRolloutSelector.FOLDER)).isEmpty();
		if (state.status() == EtcdRolloutState.Status.COMPLETED) {
			assertThat(keys.value(LAYER + "roll/value")).isEqualTo(value);
			awaitValue(Set.copyOf(fleet.ids()), value);
		}
		else {
			assertThat(keys.value(LAYER + "roll/value")).isNotEqualTo(value);
			awaitValues(before);
		}
	}

	// The instances a 50% rollout of a plan reaches, read from what they expose.
	private Set<String> canaryOf(EtcdReleasePlan plan, String value) {
		EtcdRolloutState state = releases.startRollout(plan, options("50%", "1h"), "alice", null);
		Set<String> subset = Set.copyOf(state.stages().get(0).instances());
		awaitValue(subset, value);
		long now = System.nanoTime();
		// Every instance sampled after they applied it: the others do not have it.
		await().atMost(APPLY)
			.until(() -> fleet.ids().stream().allMatch((id) -> this.probe.latest(id).orElseThrow().at() > now));
		Set<String> exposing = fleet.ids()
			.stream()
			.filter((id) -> this.probe.latest(id).orElseThrow().hasValue(value))
			.collect(Collectors.toSet());
		assertThat(exposing).isEqualTo(subset);
		return exposing;
	}

	private static CompletableFuture<EtcdRolloutResult> drive() {
		return CompletableFuture.supplyAsync(() -> releases.rolloutDriver(APP).run((status) -> {
		}));
	}

	// Until the subset has applied the stage and the bake time runs.
	private static void awaitBaking() {
		await().atMost(APPLY)
			.until(() -> releases.rollout(APP).filter((state) -> state.bakeStartedAt() != null).isPresent());
	}

	private static EtcdRolloutOptions options(String canary, String bake) {
		return EtcdRolloutOptions.of(canary, null, Duration.parse("PT" + bake.toUpperCase()));
	}

	private static Instant wallClock(Sample sample) {
		long nanosAgo = System.nanoTime() - sample.at();
		return Instant.now().minusNanos(nanosAgo);
	}

	private static int stageOf(EtcdRolloutState state, String id) {
		for (int i = 0; i < state.stages().size(); i++) {
			if (state.stages().get(i).instances().contains(id)) {
				return i;
			}
		}
		return -1;
	}

	private static EtcdReleasePlan plan(String value, String limit) {
		return releases.planPush(releases.layer(APP, null),
				List.of(new EtcdConfigFile("release.yml", yaml(value, limit).getBytes(StandardCharsets.UTF_8))),
				EtcdPushOptions.DEFAULT);
	}

	private static Path file(String value, String limit) {
		try {
			Path file = Files.createTempFile(dir, "release", ".yml");
			Files.writeString(file, yaml(value, limit));
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String yaml(String value, String limit) {
		return "roll.value: " + value + "\n" + ((limit != null) ? "roll.limit: " + limit + "\n" : "");
	}

	private static String nextValue() {
		return "r" + RELEASES.incrementAndGet();
	}

	private static List<EtcdInstanceStatus> registered() {
		return releases.instances(APP).stream().filter((instance) -> instance.revision() != null).toList();
	}

	private Map<String, Sample> latest() {
		Map<String, Sample> latest = new LinkedHashMap<>();
		for (String id : fleet.ids()) {
			latest.put(id, this.probe.latest(id).orElseThrow());
		}
		return latest;
	}

	private void awaitValue(Set<String> ids, String value) {
		await().atMost(APPLY)
			.until(() -> ids.stream()
				.allMatch((id) -> this.probe.latest(id).filter((sample) -> sample.hasValue(value)).isPresent()));
	}

	private void awaitValues(Map<String, Sample> before) {
		await().atMost(APPLY)
			.until(() -> before.entrySet()
				.stream()
				.allMatch((entry) -> this.probe.latest(entry.getKey())
					.filter((sample) -> sameValues(sample, entry.getValue()))
					.isPresent()));
	}

	// From a moment on (a rejection, a lease expiring), the time until every instance of
	// a
	// subset was sampled with its previous values again.
	private Duration awaitRestored(Set<String> subset, Map<String, Sample> before, long since) {
		List<Long> restored = new ArrayList<>();
		await().atMost(APPLY).untilAsserted(() -> {
			restored.clear();
			for (String id : subset) {
				restored.add(
						this.probe.first(id, since, (sample) -> sameValues(sample, before.get(id))).orElseThrow().at());
			}
		});
		return Duration.ofNanos(restored.stream().mapToLong(Long::longValue).max().orElseThrow() - since);
	}

	private void assertOutsideNeverSaw(Set<String> subset, String value) {
		for (String id : fleet.ids()) {
			if (!subset.contains(id)) {
				assertThat(this.probe.count(id, (sample) -> sample.hasValue(value))).as(id).isZero();
			}
		}
	}

	// Times are measured, not asserted (RolloutBenchmark measures the 1 s target); the
	// tests print what they saw.
	private static void report(String what, Duration restored) {
		System.out.println("Rollout restored after " + what + " in " + restored.toMillis() + " ms");
	}

	private static boolean sameValues(Sample sample, Sample before) {
		return sample.value().equals(before.value()) && sample.limit().equals(before.limit());
	}

}
