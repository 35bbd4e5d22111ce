package io.github.etcdconfig.watch;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.github.etcdconfig.client.EtcdMemberChoice;
import io.github.etcdconfig.ranges.EtcdKeyRange;
import io.github.etcdconfig.ranges.EtcdRevisionRequest;
import io.github.etcdconfig.support.OneMemberClients;
import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdGrpcProxy;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMember;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The liveness check against a 3-member cluster, answered by one member: a member without
 * a leader fails the check, a follower finds what a silent watch missed, a check while
 * only the shared range changes is one request, a range read at a revision the member has
 * not applied is read again at etcd's current one, directly and through etcd's gRPC
 * proxy, a check that reaches a hung member is answered by the next one, and a client
 * held to one member leaves a member that answers its status but not through the leader.
 */
class EtcdLivenessCheckMembersTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	// How long a hung member is waited for; the request sent again to the next member
	// has as long, on a machine that may be busy.
	private static final Duration HUNG_TIMEOUT = Duration.ofSeconds(3);

	private static final EtcdKeyRange RANGE = EtcdKeyRange.prefix("/config/liveness/");

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension(EtcdCluster.builder().members(3));

	private final ScheduledExecutorService applier = Executors.newSingleThreadScheduledExecutor();

	private final List<long[]> answers = new CopyOnWriteArrayList<>();

	private final List<Throwable> failures = new CopyOnWriteArrayList<>();

	@AfterEach
	void resumeMembers() {
		this.applier.shutdownNow();
		etcd.cluster().members().stream().filter(EtcdMember::isPaused).forEach(EtcdMember::resume);
		await().atMost(TIMEOUT).ignoreExceptions().until(() -> etcd.cluster().leader() != null);
	}

	@Test
	void aCheckAnsweredByAMemberWithoutALeaderFails() {
		EtcdMember alone = follower();
		try (Client aloneClient = clientOf(alone)) {
			etcd.cluster().members().stream().filter((member) -> member != alone).forEach(EtcdMember::pause);
			// Once its election timeout has passed, as it soon does.
			Function<ByteSequence, CompletableFuture<Long>> status = EtcdRevisionRequest.applied(aloneClient, TIMEOUT);
			await().atMost(TIMEOUT)
				.until(() -> status.apply(RANGE.startKey()).handle((revision, error) -> error != null).get());
			EtcdWatchSession session = new EtcdWatchSession(RANGE, 1, new EtcdLivenessCheckTests.NoCallbacks());
			check(aloneClient).run(List.of(session), result());
			await().atMost(TIMEOUT).until(() -> !this.answers.isEmpty() || !this.failures.isEmpty());
			assertThat(this.answers).isEmpty();
			assertThat(this.failures).singleElement()
				.extracting(Throwable::getMessage)
				.asString()
				.contains("has no leader");
		}
	}

	@Test
	void aCheckAnsweredByAFollowerFindsTheChangeASilentWatchMissed() {
		try (Client leaderClient = clientOf(etcd.cluster().leader()); Client followerClient = clientOf(follower())) {
			EtcdKeys writer = new EtcdKeys(leaderClient);
			long received = writer.put("/config/liveness/key", "received by the watch");
			long missed = writer.put("/config/liveness/key", "missed by the watch");
			// Once the follower has applied the put, as it soon does.
			await().atMost(TIMEOUT)
				.until(() -> EtcdRevisionRequest.applied(followerClient, TIMEOUT)
					.apply(RANGE.startKey())
					.get() >= missed);
			EtcdWatchSession silent = new EtcdWatchSession(RANGE, received, new EtcdLivenessCheckTests.NoCallbacks());
			check(followerClient).run(List.of(silent), result());
			await().atMost(TIMEOUT).until(() -> !this.answers.isEmpty() || !this.failures.isEmpty());
			assertThat(this.failures).isEmpty();
			assertThat(this.answers).singleElement().satisfies((answer) -> assertThat(answer[1]).isEqualTo(missed));
		}
	}

	@Test
	void aCheckWhileOnlyTheSharedRangeChangesAsksEtcdOnce() {
		try (Client client = etcd.cluster().newClient()) {
			EtcdKeys writer = new EtcdKeys(client);
			long loaded = writer.put("/config/liveness/key", "loaded");
			long received = writer.put("/config/liveness/key", "received by the shared range's watch");
			EtcdWatchSession shared = new EtcdWatchSession(RANGE, received, new EtcdLivenessCheckTests.NoCallbacks());
			EtcdWatchSession application = new EtcdWatchSession(EtcdKeyRange.prefix("/config-apps/liveness/"), loaded,
					new EtcdLivenessCheckTests.NoCallbacks());
			AtomicInteger requests = new AtomicInteger();
			KV kv = client.getKVClient();
			KV counting = (KV) Proxy.newProxyInstance(KV.class.getClassLoader(), new Class<?>[] { KV.class },
					(proxy, method, args) -> {
						requests.incrementAndGet();
						return method.invoke(kv, args);
					});
			Function<ByteSequence, CompletableFuture<Long>> status = EtcdRevisionRequest.applied(client, TIMEOUT);
			check(counting::get, (key) -> {
				requests.incrementAndGet();
				return status.apply(key);
			}).run(List.of(shared, application), result());
			await().atMost(TIMEOUT).until(() -> this.answers.size() == 2 || !this.failures.isEmpty());
			assertThat(this.failures).isEmpty();
			assertThat(this.answers).allSatisfy((answer) -> assertThat(answer[1]).isZero());
			assertThat(requests).hasValue(1);
			assertThat(application.currentAt()).isGreaterThanOrEqualTo(received);
		}
	}

	@Test
	void aRangeReadAtARevisionTheMemberHasNotAppliedIsReadAgainAtEtcdsCurrentRevision() {
		try (Client client = etcd.cluster().newClient()) {
			assertRangeReadAheadIsReadAgainAtEtcdsCurrentRevision(client);
		}
	}

	@Test
	void throughEtcdsGrpcProxyARangeReadAtARevisionNotAppliedIsReadAgainAtEtcdsCurrentRevision() {
		try (EtcdGrpcProxy proxy = EtcdGrpcProxy.start(etcd.cluster());
				Client client = Client.builder().endpoints(proxy.endpoint()).build()) {
			assertRangeReadAheadIsReadAgainAtEtcdsCurrentRevision(client);
		}
	}

	@Test
	void aCheckThatReachesAHungMemberIsAnsweredByTheNextOne() {
		EtcdMember hung = follower();
		EtcdMember other = etcd.cluster()
			.members()
			.stream()
			.filter((member) -> member != hung)
			.findFirst()
			.orElseThrow();
		try (Client client = Client.builder().endpoints(hung.clientEndpoint(), other.clientEndpoint()).build()) {
			// Both connections up before the member hangs: round-robin then alternates.
			EtcdLivenessCheck check = check(EtcdRevisionRequest.reads(client, HUNG_TIMEOUT),
					EtcdRevisionRequest.applied(client, HUNG_TIMEOUT), HUNG_TIMEOUT);
			for (int i = 0; i < 2; i++) {
				new EtcdKeys(client).value("/config/liveness/key");
			}
			hung.pause();
			for (int i = 1; i <= 4; i++) {
				EtcdWatchSession session = currentSession();
				await().atMost(TIMEOUT).until(() -> check.run(List.of(session), result()));
				int answered = i;
				await().atMost(TIMEOUT).until(() -> this.answers.size() == answered || !this.failures.isEmpty());
			}
			assertThat(this.failures).isEmpty();
			assertThat(this.answers).hasSize(4);
		}
	}

	@Test
	void aCheckOfAClientHeldToOneMemberThatHangsIsAnsweredByTheNextMember() {
		try (Client client = OneMemberClients.createOnAFollower(etcd.cluster())) {
			EtcdMemberChoice choice = EtcdMemberChoice.of(client);
			EtcdLivenessCheck check = check(client, choice, HUNG_TIMEOUT);
			new EtcdKeys(client).value("/config/liveness/key");
			EtcdMember hung = chosen(choice);
			hung.pause();
			EtcdWatchSession session = currentSession();
			check.run(List.of(session), result());
			await().atMost(TIMEOUT).until(() -> !this.answers.isEmpty() || !this.failures.isEmpty());
			assertThat(this.failures).isEmpty();
			assertThat(this.answers).hasSize(1);
			assertThat(chosen(choice)).isNotSameAs(hung);
		}
	}

	@Test
	void aCheckAnsweredByAMemberWithoutALeaderMovesAClientHeldToOneMemberOn() {
		try (Client client = oneMemberClient()) {
			EtcdMemberChoice choice = EtcdMemberChoice.of(client);
			EtcdMember alone = chosen(choice);
			etcd.cluster().members().stream().filter((member) -> member != alone).forEach(EtcdMember::pause);
			// Once its election timeout has passed, as it soon does.
			Function<ByteSequence, CompletableFuture<Long>> status = EtcdRevisionRequest.applied(client, TIMEOUT);
			await().atMost(TIMEOUT)
				.until(() -> status.apply(RANGE.startKey()).handle((revision, error) -> error != null).get());
			EtcdMember before = chosen(choice);
			EtcdWatchSession session = new EtcdWatchSession(RANGE, 1, new EtcdLivenessCheckTests.NoCallbacks());
			check(client, choice, Duration.ofSeconds(1)).run(List.of(session), result());
			await().atMost(TIMEOUT).until(() -> !this.failures.isEmpty());
			assertThat(chosen(choice)).isNotSameAs(before);
		}
	}

	@Test
	void aClientHeldToAMemberThatAnswersItsStatusButCannotAnswerThroughTheLeaderLeavesIt() {
		// Members that wait 10 to 20 s before they give up on a leader that stopped
		// answering: until then a follower answers its status as if all were well, with
		// a revision that no longer moves.
		try (EtcdCluster slowToElect = EtcdCluster.builder().members(3).arg("--election-timeout=10000").build().start();
				Client client = OneMemberClients.createOnAFollower(slowToElect)) {
			EtcdMemberChoice choice = EtcdMemberChoice.of(client);
			EtcdLivenessCheck check = check(client, choice, HUNG_TIMEOUT);
			new EtcdKeys(client).value("/config/liveness/key");
			EtcdMember member = OneMemberClients.chosen(slowToElect, choice);
			EtcdWatchSession session = currentSession();
			slowToElect.leader().pause();
			for (int i = 1; i < EtcdLivenessCheck.HELD_THROUGH_LEADER_EVERY; i++) {
				check.run(List.of(session), result());
				int answered = i;
				await().atMost(TIMEOUT).until(() -> this.answers.size() == answered || !this.failures.isEmpty());
			}
			assertThat(this.failures).isEmpty();
			assertThat(OneMemberClients.chosen(slowToElect, choice)).isSameAs(member);
			check.run(List.of(session), result());
			await().atMost(TIMEOUT).until(() -> !this.failures.isEmpty());
			assertThat(OneMemberClients.chosen(slowToElect, choice)).isNotSameAs(member);
		}
	}

	@Test
	void etcdsAnswerToACheckIsTakenOnGrpcsTransportThreadWithoutAHopThroughItsDefaultExecutor() throws Exception {
		try (Client client = clientOf(follower())) {
			CompletableFuture<String> answeredOn = new CompletableFuture<>();
			EtcdRevisionRequest.applied(client, TIMEOUT)
				.apply(RANGE.startKey())
				.whenComplete((revision, error) -> answeredOn.complete(Thread.currentThread().getName()));
			assertThat(answeredOn.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).doesNotStartWith("grpc-default-executor");
		}
	}

	// A session known current at any revision: a check finds nothing missed in it.
	private static EtcdWatchSession currentSession() {
		EtcdWatchSession session = new EtcdWatchSession(RANGE, 1, new EtcdLivenessCheckTests.NoCallbacks());
		session.currentAt(Long.MAX_VALUE);
		return session;
	}

	private void assertRangeReadAheadIsReadAgainAtEtcdsCurrentRevision(Client client) {
		long current;
		try (Client writer = etcd.cluster().newClient()) {
			current = new EtcdKeys(writer).put("/config/liveness/key", "current");
		}
		// As when another range's watch received a revision from a member ahead of the
		// one the read reaches.
		EtcdWatchSession ahead = new EtcdWatchSession(EtcdKeyRange.prefix("/config-apps/liveness/"), current + 5,
				new EtcdLivenessCheckTests.NoCallbacks());
		EtcdWatchSession behind = new EtcdWatchSession(RANGE, 1, new EtcdLivenessCheckTests.NoCallbacks());
		check(client).run(List.of(ahead, behind), result());
		await().atMost(TIMEOUT).until(() -> !this.answers.isEmpty() || !this.failures.isEmpty());
		assertThat(this.failures).isEmpty();
		assertThat(this.answers.get(0)).satisfies((answer) -> assertThat(answer[1]).isEqualTo(current));
	}

	private EtcdLivenessCheck check(Client client) {
		return check(EtcdRevisionRequest.reads(client, TIMEOUT), EtcdRevisionRequest.applied(client, TIMEOUT));
	}

	private EtcdLivenessCheck check(BiFunction<ByteSequence, GetOption, CompletableFuture<GetResponse>> reads,
			Function<ByteSequence, CompletableFuture<Long>> memberRevision) {
		return check(reads, memberRevision, Duration.ofSeconds(5));
	}

	private EtcdLivenessCheck check(BiFunction<ByteSequence, GetOption, CompletableFuture<GetResponse>> reads,
			Function<ByteSequence, CompletableFuture<Long>> memberRevision, Duration timeout) {
		return check(reads, memberRevision, timeout, EtcdMemberChoice.roundRobin());
	}

	private EtcdLivenessCheck check(Client client, EtcdMemberChoice choice, Duration timeout) {
		return check(EtcdRevisionRequest.reads(client, timeout), EtcdRevisionRequest.applied(client, timeout), timeout,
				choice);
	}

	private EtcdLivenessCheck check(BiFunction<ByteSequence, GetOption, CompletableFuture<GetResponse>> reads,
			Function<ByteSequence, CompletableFuture<Long>> memberRevision, Duration timeout, EtcdMemberChoice choice) {
		return new EtcdLivenessCheck(reads, memberRevision, timeout, this.applier, (task, delay) -> {
			ScheduledFuture<?> scheduled = this.applier.schedule(task, delay, TimeUnit.NANOSECONDS);
			return () -> scheduled.cancel(false);
		}, () -> 0, new EtcdClientAnswers(), Duration.ZERO, choice);
	}

	private static Client oneMemberClient() {
		return OneMemberClients.create(etcd.cluster());
	}

	private static EtcdMember chosen(EtcdMemberChoice choice) {
		return OneMemberClients.chosen(etcd.cluster(), choice);
	}

	private EtcdLivenessCheck.Result result() {
		return new EtcdLivenessCheck.Result() {

			@Override
			public void answered(EtcdWatchSession session, long etcdRevision, long newest) {
				EtcdLivenessCheckMembersTests.this.answers.add(new long[] { etcdRevision, newest });
			}

			@Override
			public void failed(EtcdWatchSession session, Throwable error) {
				EtcdLivenessCheckMembersTests.this.failures.add(error);
			}

		};
	}

	private static EtcdMember follower() {
		EtcdMember leader = etcd.cluster().leader();
		return etcd.cluster().members().stream().filter((member) -> member != leader).findFirst().orElseThrow();
	}

	private static Client clientOf(EtcdMember member) {
		return Client.builder().endpoints(member.clientEndpoint()).build();
	}

}
