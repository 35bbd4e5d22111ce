package io.github.etcdconfig.lock;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMember;
import io.github.etcdconfig.test.EtcdMetrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The lock as two processes see it: each side has its own client and {@link EtcdLocks},
 * as two JVMs would.
 */
class EtcdLockTests {

	private static final Duration TTL = Duration.ofSeconds(3);

	private static final String KEEP_ALIVE = "grpc_method=\"LeaseKeepAlive\"";

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	Client clientA;

	Client clientB;

	EtcdLocks processA;

	EtcdLocks processB;

	final List<EtcdLockLostEvent> lostEvents = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void connect() {
		keys = new EtcdKeys(etcd.cluster().newClient());
	}

	@AfterAll
	static void close() {
		keys.close();
	}

	@BeforeEach
	void startProcesses() {
		this.clientA = etcd.cluster().newClient();
		this.clientB = etcd.cluster().newClient();
		EtcdLockProperties properties = new EtcdLockProperties();
		properties.setTtl(TTL);
		this.processA = new EtcdLocks(this.clientA, properties, Duration.ofSeconds(2));
		this.processA.setApplicationEventPublisher((event) -> this.lostEvents.add((EtcdLockLostEvent) event));
		this.processB = new EtcdLocks(this.clientB, properties, Duration.ofSeconds(2));
	}

	@AfterEach
	void stopProcesses() {
		this.processA.destroy();
		this.processB.destroy();
		this.clientA.close();
		this.clientB.close();
	}

	@Test
	void whileOneProcessHoldsTheLockAnotherCannotTakeItAndCanOnceItIsReleased() {
		EtcdLock a = this.processA.obtain("jobs");
		EtcdLock b = this.processB.obtain("jobs");
		a.lock();
		assertThat(a.isHeld()).isTrue();
		assertThat(b.tryLock()).isFalse();
		a.unlock();
		assertThat(b.tryLock()).isTrue();
		b.unlock();
	}

	@Test
	void theHolderQueuesAKeyUnderTheLockPrefixOnALeaseThatGoesWithUnlock() {
		EtcdLock lock = this.processA.obtain("orders");
		lock.lock();
		List<KeyValue> contenders = keys.keyValues("/locks/orders/");
		assertThat(contenders).hasSize(1);
		long lease = contenders.get(0).getLease();
		assertThat(contenders.get(0).getKey().toString()).isEqualTo("/locks/orders/" + Long.toHexString(lease));
		assertThat(keys.ttl(lease)).isPositive();
		lock.unlock();
		assertThat(keys.keyValues("/locks/orders/")).isEmpty();
		assertThat(keys.ttl(lease)).isEqualTo(-1);
	}

	@Test
	void aWaitingLockTakesTheLockAsSoonAsTheHolderReleasesIt() throws Exception {
		EtcdLock a = this.processA.obtain("queue");
		a.lock();
		CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
			EtcdLock b = this.processB.obtain("queue");
			b.lock();
			boolean held = b.isHeldByCurrentThread();
			b.unlock();
			return held;
		});
		await().atMost(Duration.ofSeconds(5)).until(() -> keys.keyValues("/locks/queue/").size() == 2);
		assertThat(waiter).isNotDone();
		a.unlock();
		assertThat(waiter.get(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void theLockIsReentrantPerThreadAndOnlyTheLastUnlockReleasesIt() {
		EtcdLock lock = this.processA.obtain("reentrant");
		lock.lock();
		assertThat(lock.tryLock()).isTrue();
		lock.lock();
		assertThat(lock.getHoldCount()).isEqualTo(3);
		assertThat(keys.keyValues("/locks/reentrant/")).hasSize(1);
		lock.unlock();
		lock.unlock();
		assertThat(this.processB.obtain("reentrant").tryLock()).isFalse();
		lock.unlock();
		assertThat(lock.getHoldCount()).isZero();
		assertThat(keys.keyValues("/locks/reentrant/")).isEmpty();
	}

	@Test
	void anotherThreadCanNeitherTakeNorReleaseALockHeldByAThreadOfTheSameProcess() throws Exception {
		EtcdLock lock = this.processA.obtain("threads");
		lock.lock();
		try {
			CompletableFuture<Boolean> taken = CompletableFuture.supplyAsync(lock::tryLock);
			assertThat(taken.get(5, TimeUnit.SECONDS)).isFalse();
			CompletableFuture<Void> released = CompletableFuture.runAsync(lock::unlock);
			assertThat(released).failsWithin(Duration.ofSeconds(5))
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(IllegalMonitorStateException.class);
		}
		finally {
			lock.unlock();
		}
	}

	@Test
	void tryLockWithATimeoutGivesUpAfterItAndLeavesTheQueue() throws Exception {
		EtcdLock a = this.processA.obtain("busy");
		a.lock();
		try {
			EtcdLock b = this.processB.obtain("busy");
			long start = System.nanoTime();
			assertThat(b.tryLock(700, TimeUnit.MILLISECONDS)).isFalse();
			Duration waited = Duration.ofNanos(System.nanoTime() - start);
			assertThat(waited).isBetween(Duration.ofMillis(700), Duration.ofSeconds(3));
			await().atMost(Duration.ofSeconds(3)).until(() -> keys.keyValues("/locks/busy/").size() == 1);
		}
		finally {
			a.unlock();
		}
	}

	@Test
	void tryLockWithATimeoutSucceedsWhenTheHolderReleasesInTime() throws Exception {
		EtcdLock a = this.processA.obtain("soon");
		CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
			a.lock();
			await().atMost(Duration.ofSeconds(5)).until(() -> keys.keyValues("/locks/soon/").size() == 2);
			a.unlock();
		});
		await().atMost(Duration.ofSeconds(5)).until(a::isHeld);
		EtcdLock b = this.processB.obtain("soon");
		assertThat(b.tryLock(10, TimeUnit.SECONDS)).isTrue();
		b.unlock();
		holder.get(5, TimeUnit.SECONDS);
	}

	@Test
	void aHolderWhoseLeaseIsLostLearnsItFromIsHeldAnEventAndUnlock() {
		EtcdLock lock = this.processA.obtain("fragile");
		lock.lock();
		long lease = keys.keyValues("/locks/fragile/").get(0).getLease();
		keys.revoke(lease);

		await().atMost(TTL).until(() -> !lock.isHeld() && !this.lostEvents.isEmpty());
		assertThat(this.lostEvents).singleElement().satisfies((event) -> {
			assertThat(event.getKey()).isEqualTo("fragile");
			assertThat(event.getReason()).contains("expired or was revoked");
		});
		assertThat(this.processB.obtain("fragile").tryLock()).isTrue();
		assertThatExceptionOfType(EtcdLockLostException.class).isThrownBy(lock::unlock)
			.withMessageContaining("'fragile' was lost while held");
		assertThat(lock.getHoldCount()).isZero();
	}

	@Test
	void aHolderCutOffFromEtcdForTheWholeTtlLearnsThatItLostTheLock() {
		EtcdLock lock = this.processA.obtain("cut-off");
		lock.lock();
		EtcdMember member = etcd.cluster().member(0);
		member.pause();
		try {
			await().atMost(TTL.plusSeconds(1)).until(() -> !lock.isHeld() && !this.lostEvents.isEmpty());
			assertThat(this.lostEvents).singleElement()
				.satisfies((event) -> assertThat(event.getReason()).contains("whole TTL"));
		}
		finally {
			member.resume();
		}
		assertThatExceptionOfType(EtcdLockLostException.class).isThrownBy(lock::unlock);
	}

	@Test
	void locksWithSlashesInTheirNamesDoNotShareAQueueWithTheirParent() {
		EtcdLock parent = this.processA.obtain("a");
		EtcdLock child = this.processB.obtain("a/b");
		parent.lock();
		try {
			assertThat(child.tryLock()).isTrue();
			assertThat(keys.keyValues("/locks/a%2Fb/")).hasSize(1);
			child.unlock();
		}
		finally {
			parent.unlock();
		}
	}

	@Test
	void destroyingTheLocksEndsTheKeepAliveStreamAndLeavesAHeldLockToExpire() {
		// Streams of other tests may still be closing; the count is absolute.
		await().atMost(Duration.ofSeconds(30)).until(() -> openKeepAliveStreams() == 0);
		EtcdLock lock = this.processA.obtain("shutdown");
		lock.lock();
		long lease = keys.keyValues("/locks/shutdown/").get(0).getLease();
		await().atMost(Duration.ofSeconds(5)).until(() -> openKeepAliveStreams() == 1);
		this.processA.destroy();
		// The client stays open: the stream ends because no lease of it needs one.
		await().atMost(Duration.ofSeconds(5)).until(() -> openKeepAliveStreams() == 0);
		assertThat(lock.isHeld()).isTrue();
		assertThat(keys.keyValues("/locks/shutdown/")).hasSize(1);
		await().atMost(TTL.plusSeconds(2)).until(() -> keys.ttl(lease) == -1);
		assertThat(keys.keyValues("/locks/shutdown/")).isEmpty();
	}

	// Keep-alive streams etcd opened and has not ended.
	private static long openKeepAliveStreams() {
		URI endpoint = etcd.cluster().clientEndpoints().get(0);
		return EtcdMetrics.value(endpoint, "grpc_server_started_total", KEEP_ALIVE)
				- EtcdMetrics.value(endpoint, "grpc_server_handled_total", KEEP_ALIVE);
	}

}
