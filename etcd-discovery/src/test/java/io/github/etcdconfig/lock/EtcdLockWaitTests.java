package io.github.etcdconfig.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.github.etcdconfig.client.EtcdBytes;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdMetrics;
import io.github.etcdconfig.watch.EtcdWatchStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A lock's wait for the contender ahead watches on the client's one watch stream
 * ({@link EtcdWatchStream}), counted by etcd itself.
 */
class EtcdLockWaitTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@Test
	void aWaitingLockWatchesOnTheStreamOfTheClientsWatchers() throws Exception {
		EtcdLockProperties properties = new EtcdLockProperties();
		try (Client holderClient = etcd.cluster().newClient(); Client waiterClient = etcd.cluster().newClient()) {
			EtcdLocks holder = new EtcdLocks(holderClient, properties, Duration.ofSeconds(2));
			EtcdLocks waiter = new EtcdLocks(waiterClient, properties, Duration.ofSeconds(2));
			// The waiting process's own watcher, as the starter's would be.
			Watch.Watcher watcher = EtcdWatchStream.of(waiterClient)
				.watch(EtcdBytes.of("/config/"), WatchOption.builder().isPrefix(true).withRequireLeader(true).build(),
						Watch.listener((response) -> {
						}));
			await().atMost(WAIT).until(() -> gauge(EtcdMetrics.WATCHERS) == 1);
			EtcdLock held = holder.obtain("shared-stream");
			held.lock();
			CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
				EtcdLock lock = waiter.obtain("shared-stream");
				lock.lock();
				lock.unlock();
				return true;
			});
			await().atMost(WAIT).until(() -> gauge(EtcdMetrics.WATCHERS) == 2);
			assertThat(gauge(EtcdMetrics.WATCH_STREAMS)).isOne();
			held.unlock();
			assertThat(waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			watcher.close();
			holder.destroy();
			waiter.destroy();
		}
	}

	// etcd's own gauges of watches.
	private static long gauge(String name) {
		return EtcdMetrics.value(etcd.cluster().clientEndpoints().get(0), name);
	}

}
