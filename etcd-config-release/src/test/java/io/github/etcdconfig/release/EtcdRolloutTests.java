package io.github.etcdconfig.release;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.etcd.jetcd.KeyValue;
import io.github.etcdconfig.config.EtcdRolloutSelector;
import io.github.etcdconfig.release.support.Files;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.StandIns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Staged rollouts from the operator's side, against stand-in instances that report what
 * they applied as etcd-discovery does: the start in one transaction, one rollout and no
 * other release of an application at a time, a driver that widens stage by stage and
 * completes, and that rolls back at once, in one transaction, when an instance of the
 * subset fails.
 */
class EtcdRolloutTests {

	private static final List<String> SIX = List.of("i1", "i2", "i3", "i4", "i5", "i6");

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

	// Stand-in instances that match the selector as the starter's instances do.
	private static StandIns standIns(String app, List<String> ids) {
		return new StandIns(keys, app, ids, (json, id, metadata) -> {
			EtcdRolloutSelector selector = EtcdRolloutSelector.parse(json);
			return selector.matches(id, metadata) ? selector.id() : null;
		});
	}

	private static EtcdReleasePlan greeting(String app, String value) {
		return releases.planPush(releases.layer(app, null), Files.yaml("greeting: " + value + "\n"),
				new EtcdPushOptions(false, null));
	}

	private static EtcdRolloutState start(String app, String canary, String steps, Duration bake) {
		keys.put("/config-apps/" + app + "/greeting", "hello");
		return releases.startRollout(greeting(app, "hi"), EtcdRolloutOptions.of(canary, steps, bake), "alice",
				"friendlier");
	}

	@Test
	void stagesParseSharesCountsIdsAndMetadataAndTheLastIsAlwaysAll() {
		assertThat(EtcdRolloutStage.parse("10%")).isEqualTo(new EtcdRolloutStage.Share(0.1));
		assertThat(EtcdRolloutStage.parse("2")).isEqualTo(new EtcdRolloutStage.Count(2));
		assertThat(EtcdRolloutStage.parse("a, b").text()).isEqualTo("a,b");
		assertThat(EtcdRolloutStage.parse("zone=a,version=1.4.2").text()).isEqualTo("version=1.4.2,zone=a");
		assertThat(EtcdRolloutStage.parse("100%").isAll()).isTrue();
		assertThat(EtcdRolloutOptions.of("2", "50%", null).stages()).extracting(EtcdRolloutStage::text)
			.containsExactly("2", "50%", "100%");
		assertThat(EtcdRolloutOptions.of("zone=a", "10%,50%,100%", null).bake())
			.isEqualTo(EtcdRolloutOptions.DEFAULT_BAKE);
		for (String bad : List.of("0%", "150%", "x%", "0", "zone=", "a,zone=b", " ")) {
			assertThat(catchThrowableOfType(EtcdReleaseException.class, () -> EtcdRolloutStage.parse(bad)).getReason())
				.as(bad)
				.isEqualTo(EtcdReleaseException.Reason.INVALID);
		}
	}

	@Test
	void aShareOfHalfPicksThreeOfSixInstancesAndTheSameThreeForTheSameRelease() {
		List<String> first = new EtcdRolloutStage.Share(0.5)
			.rule("seed", SIX) instanceof EtcdRolloutSelector.Share share
					? SIX.stream().filter((id) -> share.matches("seed", id, java.util.Map.of())).toList() : List.of();
		assertThat(first).hasSize(3);
		EtcdRolloutSelector.Rule again = new EtcdRolloutStage.Share(0.5).rule("seed", SIX);
		assertThat(SIX.stream().filter((id) -> again.matches("seed", id, java.util.Map.of())).toList())
			.isEqualTo(first);
		assertThat(new EtcdRolloutStage.Count(2).rule("seed", SIX)).isInstanceOf(EtcdRolloutSelector.Instances.class);
	}

	@Test
	void startWritesTheSelectorTheValuesAndTheStateInOneTransactionAndLeavesTheLayerAlone() {
		try (StandIns instances = standIns("start", SIX)) {
			EtcdRolloutState state = start("start", "50%", null, Duration.ofMinutes(1));

			KeyValue selector = keys.get("/config-apps/start/_rollout/selector");
			KeyValue value = keys.get("/config-apps/start/_rollout/values/greeting");
			KeyValue stored = keys.get("/config-releases/config-apps/start/rollout");
			assertThat(List.of(selector.getModRevision(), value.getModRevision(), stored.getModRevision()))
				.containsOnly(state.startRevision());
			assertThat(keys.value("/config-apps/start/_rollout/values/greeting")).isEqualTo("hi");
			assertThat(keys.value("/config-apps/start/greeting")).isEqualTo("hello");
			assertThat(state.status()).isEqualTo(EtcdRolloutState.Status.RUNNING);
			assertThat(state.currentStage().instances()).hasSize(3);
			assertThat(state.properties()).containsExactly("greeting");
			assertThat(releases.rollout("start")).hasValueSatisfying((read) -> {
				assertThat(read.id()).isEqualTo(state.id());
				assertThat(read.startRevision()).isEqualTo(state.startRevision());
			});
			// The rollout's keys are no property of the layer.
			assertThat(releases.properties(releases.layer("start", null)).properties()).extracting(EtcdProperty::name)
				.containsExactly("greeting");
			releases.abortRollout("start", "test");
		}
	}

	@Test
	void aSecondRolloutOfTheSameApplicationIsRefusedNamingTheFirst() {
		EtcdRolloutState first = start("second", "50%", null, Duration.ofMinutes(1));

		EtcdReleaseException refused = catchThrowableOfType(EtcdReleaseException.class, () -> releases
			.startRollout(greeting("second", "hey"), EtcdRolloutOptions.of("1", null, null), "bob", null));
		assertThat(refused.getReason()).isEqualTo(EtcdReleaseException.Reason.CONFLICT);
		assertThat(refused.getMessage()).contains("A rollout of second is running", first.id());
		releases.abortRollout("second", "test");
	}

	@Test
	void anyOtherReleaseOfTheApplicationsLayerIsRefusedWhileARolloutRuns() {
		start("busy", "50%", null, Duration.ofMinutes(1));
		EtcdReleasePlan push = greeting("busy", "hey");

		EtcdReleaseException refused = catchThrowableOfType(EtcdReleaseException.class,
				() -> releases.publish(push, "bob", null));
		assertThat(refused.getReason()).isEqualTo(EtcdReleaseException.Reason.CONFLICT);
		assertThat(refused.getMessage()).contains("A rollout of busy is running");
		assertThat(keys.value("/config-apps/busy/greeting")).isEqualTo("hello");
		// Another application, and a profile of this one, are released as ever.
		releases.publish(releases.planPush(releases.layer("busy", "eu"), Files.yaml("greeting: hoi\n"),
				new EtcdPushOptions(false, null)), "bob", null);
		releases.abortRollout("busy", "test");
		releases.publish(greeting("busy", "hey"), "bob", null);
	}

	@Test
	void aRolloutThatDeletesAKeyIsRefused() {
		keys.put("/config-apps/deleting/old", "x");
		keys.put("/config-apps/deleting/greeting", "hello");
		EtcdReleasePlan prune = releases.planPush(releases.layer("deleting", null), Files.yaml("greeting: hi\n"),
				new EtcdPushOptions(true, null));

		EtcdReleaseException refused = catchThrowableOfType(EtcdReleaseException.class,
				() -> releases.startRollout(prune, EtcdRolloutOptions.of("1", null, null), "bob", null));
		assertThat(refused.getReason()).isEqualTo(EtcdReleaseException.Reason.INVALID);
		assertThat(refused.getMessage()).contains("never deletes a key", "/config-apps/deleting/old");
		assertThat(keys.values("/config-apps/deleting/_rollout/")).isEmpty();
		assertThat(releases.rollout("deleting")).isEmpty();
	}

	@Test
	void aRolloutWhoseLastTransactionWouldExceedTheLimitIsRefusedAtItsStartThoughItFitsAPush() {
		EtcdReleases limited = new EtcdReleases(keys.client(),
				new EtcdReleaseSettings(EtcdReleaseSettings.defaults().prefixes(), "/config-releases/", "/services/",
						10, 100, EtcdReleaseSettings.DEFAULT_TIMEOUT));
		StringBuilder yaml = new StringBuilder();
		// Nine changes and their record: a push fills the limit exactly.
		for (int i = 0; i < 9; i++) {
			yaml.append("key").append(i).append(": ").append(i).append('\n');
		}
		try (StandIns instances = standIns("oversized", SIX)) {
			EtcdReleasePlan plan = limited.planPush(limited.layer("oversized", null), Files.yaml(yaml.toString()),
					EtcdPushOptions.DEFAULT);

			EtcdReleaseException refused = catchThrowableOfType(EtcdReleaseException.class,
					() -> limited.startRollout(plan, EtcdRolloutOptions.of("1", null, null), "alice", null));

			assertThat(refused.getReason()).isEqualTo(EtcdReleaseException.Reason.INVALID);
			assertThat(refused.getMessage()).contains("needs 12 operations", "staged rollout", "limit of 10");
			assertThat(keys.values("/config-apps/oversized/")).isEmpty();
			assertThat(limited.rollout("oversized")).isEmpty();
			limited.publish(plan, "alice", null);
			assertThat(keys.values("/config-apps/oversized/")).hasSize(9);
		}
	}

	@Test
	void theDriverWidensStageByStageAndCompletesAsOneReleaseOfTheLayer() {
		try (StandIns instances = standIns("widening", SIX)) {
			start("widening", "1", "50%", Duration.ofMillis(300));
			List<EtcdRolloutStatus> steps = new CopyOnWriteArrayList<>();

			EtcdRolloutResult result = releases.rolloutDriver("widening").run(steps::add);

			assertThat(result.outcome()).isEqualTo(EtcdRolloutResult.Outcome.COMPLETED);
			assertThat(steps).extracting(EtcdRolloutStatus::event)
				.contains(EtcdRolloutStatus.Event.BAKING, EtcdRolloutStatus.Event.STAGE_REACHED,
						EtcdRolloutStatus.Event.COMPLETED);
			assertThat(steps.stream()
				.filter((step) -> step.event() == EtcdRolloutStatus.Event.STAGE_REACHED)
				.map((step) -> step.state().currentStage().instances().size())).containsExactly(3);
			assertThat(keys.value("/config-apps/widening/greeting")).isEqualTo("hi");
			assertThat(keys.values("/config-apps/widening/_rollout/")).isEmpty();
			EtcdRelease record = releases.history(releases.layer("widening", null), 1).get(0);
			assertThat(record.kind()).isEqualTo(EtcdReleasePlan.Kind.ROLLOUT);
			assertThat(record.revision()).isEqualTo(keys.get("/config-apps/widening/greeting").getModRevision());
			assertThat(record.changes()).extracting(EtcdKeyChange::newValue).containsExactly("hi");
			assertThat(record.rollout().status()).isEqualTo(EtcdRolloutState.Status.COMPLETED);
			assertThat(record.rollout().stages()).extracting(EtcdRolloutState.Stage::spec)
				.containsExactly("1", "50%", "100%");
			assertThat(record.rollout().stages()).allSatisfy((stage) -> assertThat(stage.reachedAt()).isNotNull());
			assertThat(releases.rollout("widening").orElseThrow().status())
				.isEqualTo(EtcdRolloutState.Status.COMPLETED);
		}
	}

	@Test
	void aRejectionInTheSubsetRollsBackAtOnceInOneTransactionAndTheRecordNamesTheInstance() {
		EtcdRolloutResult result = failing("rejecting", (instances) -> (id) -> instances.reject(id));

		assertThat(result.state().cause().reason()).contains("rejected the release", "must not be rude");
	}

	@Test
	void aRegistrationStatusOtherThanHealthyRollsBack() {
		EtcdRolloutResult result = failing("status", (instances) -> (id) -> instances.status(id, "OUT_OF_SERVICE"));

		assertThat(result.state().cause().reason()).contains("status is OUT_OF_SERVICE");
	}

	@Test
	void anInstanceLeavingTheRegistryRollsBack() {
		EtcdRolloutResult result = failing("leaving", (instances) -> (id) -> instances.leave(id));

		assertThat(result.state().cause().reason()).contains("left the registry");
	}

	@Test
	void anInstanceRegisteredAgainOnANewLeaseRollsBackAsRestarted() {
		EtcdRolloutResult result = failing("restarting", (instances) -> (id) -> instances.restart(id));

		assertThat(result.state().cause().reason()).contains("restarted", "new lease");
	}

	@Test
	void aHealthOfDownRollsBack() {
		EtcdRolloutResult result = failing("down", (instances) -> (id) -> instances.health(id, "DOWN"));

		assertThat(result.state().cause().reason()).contains("health is DOWN");
	}

	// Start a rollout to two of six instances, let it bake, make the first of them fail,
	// and check that it rolls back in one transaction: the subset's values, the state and
	// the record at one revision.
	private EtcdRolloutResult failing(String app, Function<StandIns, Function<String, Long>> failure) {
		try (StandIns instances = standIns(app, SIX)) {
			EtcdRolloutState state = start(app, "2", null, Duration.ofMinutes(5));
			String victim = state.currentStage().instances().get(0);
			List<EtcdRolloutStatus> steps = new CopyOnWriteArrayList<>();
			long[] rolledBackAt = new long[1];
			CompletableFuture<EtcdRolloutResult> driving = CompletableFuture
				.supplyAsync(() -> releases.rolloutDriver(app).run((step) -> {
					if (step.event() == EtcdRolloutStatus.Event.ROLLED_BACK) {
						rolledBackAt[0] = System.nanoTime();
					}
					steps.add(step);
				}));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> steps.stream().anyMatch((step) -> step.event() == EtcdRolloutStatus.Event.BAKING));

			long failedAt = System.nanoTime();
			failure.apply(instances).apply(victim);
			EtcdRolloutResult result = driving.join();

			System.out.printf("rollout %s: failure in the registry to rollback transaction: %.1f ms%n", app,
					(rolledBackAt[0] - failedAt) / 1e6);
			assertThat(result.outcome()).isEqualTo(EtcdRolloutResult.Outcome.ROLLED_BACK);
			assertThat(result.state().cause().instance()).isEqualTo(app + "/" + victim);
			assertThat(keys.values("/config-apps/" + app + "/_rollout/")).isEmpty();
			assertThat(keys.value("/config-apps/" + app + "/greeting")).isEqualTo("hello");
			EtcdRelease record = releases.history(releases.layer(app, null), 1).get(0);
			assertThat(record.kind()).isEqualTo(EtcdReleasePlan.Kind.ROLLOUT);
			assertThat(record.changes()).isEmpty();
			assertThat(record.rollout().status()).isEqualTo(EtcdRolloutState.Status.ROLLED_BACK);
			assertThat(record.rollout().cause()).isEqualTo(result.state().cause());
			assertThat(record.rollout().stages().get(0).reachedAt()).isNotNull();
			assertThat(keys.get("/config-releases/config-apps/" + app + "/rollout").getModRevision())
				.isEqualTo(record.revision());
			await().atMost(Duration.ofSeconds(5)).until(() -> instances.exposing().isEmpty());
			return result;
		}
	}

	@Test
	void aStageNotAppliedWithinItsApplyTimeoutRollsBackNamingTheInstance() {
		// i2 reports the layer's revisions but never takes the rollout's values, as an
		// instance whose identity does not match the registry does.
		try (StandIns instances = new StandIns(keys, "late", SIX, (json, id, metadata) -> {
			EtcdRolloutSelector selector = EtcdRolloutSelector.parse(json);
			return (selector.matches(id, metadata) && !id.equals("i2")) ? selector.id() : null;
		})) {
			keys.put("/config-apps/late/greeting", "hello");
			EtcdRolloutState state = releases.startRollout(greeting("late", "hi"),
					EtcdRolloutOptions.of("i1,i2", null, Duration.ofMinutes(5), Duration.ofSeconds(1)), "alice", null);
			assertThat(state.applyTimeout()).isEqualTo(Duration.ofSeconds(1));
			assertThat(releases.rollout("late").orElseThrow().applyTimeout()).isEqualTo(Duration.ofSeconds(1));

			EtcdRolloutResult result = CompletableFuture
				.supplyAsync(() -> releases.rolloutDriver("late").run((step) -> {
				}))
				.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
				.join();

			assertThat(result.outcome()).isEqualTo(EtcdRolloutResult.Outcome.ROLLED_BACK);
			assertThat(result.state().cause()).hasToString("late/i2: did not apply stage 1 (i1,i2) within 1s");
			assertThat(keys.values("/config-apps/late/_rollout/")).isEmpty();
			assertThat(keys.value("/config-apps/late/greeting")).isEqualTo("hello");
			await().atMost(Duration.ofSeconds(5)).until(() -> instances.exposing().isEmpty());
		}
	}

	@Test
	void aStateWrittenWithoutAnApplyTimeoutIsReadWithTheDefault() {
		assertThat(EtcdRolloutOptions.of("1", null, null).applyTimeout())
			.isEqualTo(EtcdRolloutOptions.DEFAULT_APPLY_TIMEOUT)
			.isEqualTo(Duration.ofMinutes(2));
		try (StandIns instances = standIns("older", SIX)) {
			keys.put("/config-apps/older/greeting", "hello");
			releases.startRollout(greeting("older", "hi"),
					EtcdRolloutOptions.of("1", null, Duration.ofMinutes(5), Duration.ofSeconds(7)), "alice", null);
			String key = "/config-releases/config-apps/older/rollout";
			String stored = keys.value(key);
			assertThat(stored).contains("\"applyTimeout\"");

			// As a version before the apply timeout wrote it.
			keys.put(key, stored.replaceAll("\"applyTimeout\":[^,]*,", ""));

			assertThat(releases.rollout("older").orElseThrow().applyTimeout())
				.isEqualTo(EtcdRolloutOptions.DEFAULT_APPLY_TIMEOUT);
			releases.abortRollout("older", "alice");
		}
	}

	@Test
	void aPausedRolloutLetsItsDriverGoAndResumeDrivesItToTheEnd() {
		try (StandIns instances = standIns("pausing", SIX)) {
			start("pausing", "1", null, Duration.ofMillis(200));
			releases.pauseRollout("pausing", "bob");

			EtcdRolloutResult detached = releases.rolloutDriver("pausing").run((step) -> {
			});
			assertThat(detached.outcome()).isEqualTo(EtcdRolloutResult.Outcome.DETACHED);
			assertThat(instances.exposing()).hasSize(1);

			EtcdRolloutResult resumed = new EtcdReleaseWorkflow(releases).resumeRollout("pausing", "bob", (step) -> {
			});
			assertThat(resumed.outcome()).isEqualTo(EtcdRolloutResult.Outcome.COMPLETED);
			assertThat(keys.value("/config-apps/pausing/greeting")).isEqualTo("hi");
		}
	}

	@Test
	void anAbortRemovesTheValuesAndRecordsWhoAbortedIt() {
		try (StandIns instances = standIns("aborting", SIX)) {
			start("aborting", "50%", null, Duration.ofMinutes(1));
			await().atMost(Duration.ofSeconds(5)).until(() -> instances.exposing().size() == 3);

			EtcdRelease record = releases.abortRollout("aborting", "carol");

			assertThat(record.rollout().status()).isEqualTo(EtcdRolloutState.Status.ABORTED);
			assertThat(record.rollout().cause().reason()).isEqualTo("aborted by carol");
			assertThat(keys.values("/config-apps/aborting/_rollout/")).isEmpty();
			await().atMost(Duration.ofSeconds(5)).until(() -> instances.exposing().isEmpty());
			assertThat(
					catchThrowableOfType(EtcdReleaseException.class, () -> releases.pauseRollout("aborting", "carol"))
						.getReason())
				.isEqualTo(EtcdReleaseException.Reason.INVALID);
		}
	}

	@Test
	void aDriverStartedWhileAnotherHoldsTheRolloutSaysSoAndWaitsForItsLease() {
		try (StandIns instances = standIns("locked", SIX)) {
			start("locked", "1", null, Duration.ofMillis(200));
			// A driver killed with its process: its lock stays until its lease expires.
			long lease = EtcdKeys.await(keys.client().getLeaseClient().grant(2)).getID();
			EtcdKeys.await(keys.client()
				.getKVClient()
				.put(EtcdKeys.bytes("/config-releases/config-apps/locked/rollout-driver"), EtcdKeys.bytes("killed"),
						io.etcd.jetcd.options.PutOption.builder().withLeaseId(lease).build()));
			List<EtcdRolloutStatus> steps = new CopyOnWriteArrayList<>();

			EtcdRolloutResult result = releases.rolloutDriver("locked").run(steps::add);

			assertThat(steps.get(0).event()).isEqualTo(EtcdRolloutStatus.Event.WAITING_FOR_LOCK);
			assertThat(steps.get(0).message()).contains("held by killed", "lease");
			assertThat(result.outcome()).isEqualTo(EtcdRolloutResult.Outcome.COMPLETED);
		}
	}

	@Test
	void aDriverFindingItsOwnLockFromAnAttemptThatTimedOutButCommittedTakesItOverWithoutWaiting() {
		try (StandIns instances = standIns("relocking", SIX)) {
			start("relocking", "1", null, Duration.ofMillis(200));
			EtcdRolloutDriver driver = releases.rolloutDriver("relocking");
			// The lock as a timed-out attempt of this driver left it: its own holder, on
			// a
			// lease it no longer keeps alive.
			long leaked = EtcdKeys.await(keys.client().getLeaseClient().grant(60)).getID();
			EtcdKeys.await(keys.client()
				.getKVClient()
				.put(EtcdKeys.bytes("/config-releases/config-apps/relocking/rollout-driver"),
						EtcdKeys.bytes(driver.holder()),
						io.etcd.jetcd.options.PutOption.builder().withLeaseId(leaked).build()));
			List<EtcdRolloutStatus> steps = new CopyOnWriteArrayList<>();

			EtcdRolloutResult result = driver.run(steps::add);

			assertThat(steps).extracting(EtcdRolloutStatus::event)
				.doesNotContain(EtcdRolloutStatus.Event.WAITING_FOR_LOCK);
			assertThat(result.outcome()).isEqualTo(EtcdRolloutResult.Outcome.COMPLETED);
			// The lock went with the driver's own lease, not with the leaked one.
			assertThat(keys.values("/config-releases/config-apps/relocking/rollout-driver")).isEmpty();
		}
	}

}
