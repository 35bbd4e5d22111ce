package io.github.etcdconfig.lock;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.support.ChildMain;
import io.github.etcdconfig.support.LockedCounter;
import io.github.etcdconfig.test.ChildJvm;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lock between real processes: this JVM and a child JVM.
 */
class EtcdLockProcessTests {

	private static final Duration TTL = Duration.ofSeconds(2);

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	Client client;

	EtcdLocks locks;

	@BeforeEach
	void connect() {
		this.client = etcd.cluster().newClient();
		EtcdLockProperties properties = new EtcdLockProperties();
		properties.setTtl(TTL);
		this.locks = new EtcdLocks(this.client, properties, Duration.ofSeconds(2));
	}

	@AfterEach
	void disconnect() {
		this.locks.destroy();
		this.client.close();
	}

	@Test
	void twoProcessesWithSeveralThreadsEachNeverOverlapInsideTheLock() throws Exception {
		int threads = 3;
		int iterations = 10;
		try (ChildJvm other = ChildJvm.start(ChildMain.class, "count", etcd.cluster().endpointsProperty(),
				Integer.toString(threads), Integer.toString(iterations), Long.toString(TTL.toSeconds()))) {
			other.awaitLine("STARTED", Duration.ofSeconds(30));
			int overlapsHere = LockedCounter.run(this.locks, this.client, threads, iterations);
			String done = other.awaitLine("DONE", Duration.ofSeconds(60));
			assertThat(other.awaitExit(Duration.ofSeconds(10))).isZero();

			assertThat(overlapsHere).isZero();
			assertThat(done).isEqualTo("DONE overlaps=0");
			try (EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient())) {
				assertThat(keys.value(LockedCounter.COUNTER)).isEqualTo(Integer.toString(2 * threads * iterations));
			}
		}
	}

	@Test
	void aHolderKilledWithSigkillFreesTheLockOnceItsLeaseExpires() throws Exception {
		try (ChildJvm holder = ChildJvm.start(ChildMain.class, "hold", etcd.cluster().endpointsProperty(), "crash",
				Long.toString(TTL.toSeconds()))) {
			holder.awaitLine("HELD", Duration.ofSeconds(30));
			EtcdLock lock = this.locks.obtain("crash");
			assertThat(lock.tryLock()).isFalse();

			holder.kill();
			long killed = System.nanoTime();
			// etcd finds expired leases every 500 ms and revokes each with a write: a
			// moment after the TTL on a busy machine.
			assertThat(lock.tryLock(TTL.plusSeconds(3).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThanOrEqualTo(TTL.plusSeconds(3));
			lock.unlock();
		}
	}

}
