package io.github.etcdconfig.watch;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.github.etcdconfig.ranges.EtcdKeyRange;
import io.github.etcdconfig.ranges.EtcdRevisionRequest;
import io.github.etcdconfig.support.LaggingMember;
import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMember;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The liveness check against a 3-member cluster, answered by one member without the
 * leader: a member that lags finds nothing wrong with a watch that is current, a member
 * that is current finds what a silent watch missed, and a check while only the shared
 * range changes is one request.
 */
class EtcdLivenessCheckMembersTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

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
	void aCheckAnsweredByALaggingMemberWithoutALeaderFindsNothingWrongWithACurrentWatch() {
		EtcdMember leader = etcd.cluster().leader();
		EtcdMember lagging = follower();
		List<EtcdMember> others = etcd.cluster().members().stream().filter((member) -> member != lagging).toList();
		try (Client leaderClient = clientOf(leader); Client laggingClient = clientOf(lagging)) {
			EtcdKeys writer = new EtcdKeys(leaderClient);
			// It cannot read its way up to the put below once it runs again.
			LaggingMember.leaveBehind(lagging, writer);
			long written = writer.put("/config/liveness/key", "received by the watch");
			others.forEach(EtcdMember::pause);
			lagging.resume();
			// The watch received the put; the only member that answers has not applied it
			// and has no leader, so a linearizable check would time out.
			EtcdWatchSession session = new EtcdWatchSession(RANGE, written, new EtcdLivenessCheckTests.NoCallbacks());
			check(laggingClient).run(List.of(session), result());
			await().atMost(TIMEOUT).until(() -> !this.answers.isEmpty() || !this.failures.isEmpty());
			assertThat(this.failures).isEmpty();
			assertThat(this.answers).singleElement().satisfies((answer) -> {
				assertThat(answer[0]).isLessThan(written);
				assertThat(answer[1]).isZero();
			});
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
				.until(() -> EtcdRevisionRequest.sendApplied(followerClient.getKVClient(), RANGE.startKey())
					.get()
					.getHeader()
					.getRevision() >= missed);
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
			check(counting).run(List.of(shared, application), result());
			await().atMost(TIMEOUT).until(() -> this.answers.size() == 2 || !this.failures.isEmpty());
			assertThat(this.failures).isEmpty();
			assertThat(this.answers).allSatisfy((answer) -> assertThat(answer[1]).isZero());
			assertThat(requests).hasValue(1);
			assertThat(application.currentAt()).isGreaterThanOrEqualTo(received);
		}
	}

	private EtcdLivenessCheck check(Client client) {
		return check(client.getKVClient());
	}

	private EtcdLivenessCheck check(KV kv) {
		return new EtcdLivenessCheck(kv, Duration.ofSeconds(5), this.applier, (task, delay) -> {
			ScheduledFuture<?> scheduled = this.applier.schedule(task, delay, TimeUnit.NANOSECONDS);
			return () -> scheduled.cancel(false);
		}, () -> 0);
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
