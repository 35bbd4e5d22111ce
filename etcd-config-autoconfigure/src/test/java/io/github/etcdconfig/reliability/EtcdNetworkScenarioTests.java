package io.github.etcdconfig.reliability;

import java.time.Duration;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMember;
import io.github.etcdconfig.test.TcpProxy;
import io.github.etcdconfig.watch.EtcdPrefixWatcher;
import io.github.etcdconfig.watch.EtcdWatchStatus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenarios 3 and 4: the line is cut while etcd changes and compacts, and etcd hangs.
 */
@Tag("reliability")
class EtcdNetworkScenarioTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@Test
	void theLineCutWhileKeysAreWrittenDeletedAndCompactedResyncsExactly() {
		try (Client client = etcd.cluster().newClient();
				TcpProxy proxy = TcpProxy.to(etcd.cluster().clientEndpoints().get(0))) {
			EtcdKeys keys = new EtcdKeys(client);
			keys.deletePrefix("/config/");
			for (int i = 0; i < 50; i++) {
				keys.put("/config/cut/key-" + i, "before");
			}
			try (FollowingApp app = new FollowingApp(proxy.endpoint().toString())) {
				assertThat(app.property("cut.key-0")).isEqualTo("before");
				proxy.cut();
				long written = 0;
				for (int i = 0; i < 50; i++) {
					if (i % 5 == 0) {
						keys.delete("/config/cut/key-" + i);
					}
					else {
						keys.put("/config/cut/key-" + i, "after-" + i);
					}
					written++;
				}
				for (int i = 50; i < 60; i++) {
					keys.put("/config/cut/key-" + i, "added");
					written++;
				}
				keys.compact(keys.revision());
				String servedDuringCut = app.property("cut.key-1");
				proxy.restore();
				long restored = System.nanoTime();
				long lost = app.awaitSameAs(keys, Duration.ofSeconds(30));
				Duration recovery = Duration.ofNanos(System.nanoTime() - restored);
				assertThat(lost).isZero();
				assertThat(app.property("cut.key-0")).isNull();
				assertThat(servedDuringCut).isEqualTo("before");
				ReliabilityReport.record("3", "Cut line",
						"the TCP line cut (proxy resets every connection); 40 keys changed, 10 deleted, 10 added, then "
								+ "history compacted; line restored",
						written, lost, recovery,
						"the values from before the cut; after it, an exact resync with the deletes");
			}
		}
	}

	@Test
	void aHungEtcdIsFoundWithinTheCheckIntervalAndResyncedWhenItContinues() {
		EtcdMember member = etcd.cluster().member(0);
		try (Client client = etcd.cluster().newClient();
				FollowingApp app = new FollowingApp(etcd.cluster().endpointsProperty())) {
			EtcdKeys keys = new EtcdKeys(client);
			keys.put("/config/" + FollowingApp.COUNTER, "1");
			app.awaitCounter(1, Duration.ofSeconds(10));
			long resyncs = app.watcher().getWatcher().getStatus().getResyncs();
			member.pause();
			long paused = System.nanoTime();
			try {
				await().atMost(Duration.ofSeconds(10))
					.until(() -> app.watcher()
						.getWatcher()
						.getStatus()
						.getState() == EtcdWatchStatus.State.UNREACHABLE);
			}
			finally {
				member.resume();
			}
			Duration found = Duration.ofNanos(System.nanoTime() - paused);
			long resumed = System.nanoTime();
			await().atMost(Duration.ofSeconds(20))
				.until(() -> app.watcher().getWatcher().getStatus().getResyncs() > resyncs);
			keys.put("/config/" + FollowingApp.COUNTER, "2");
			app.awaitCounter(2, Duration.ofSeconds(10));
			Duration recovery = Duration.ofNanos(System.nanoTime() - resumed);
			long lost = app.awaitSameAs(keys, Duration.ofSeconds(10));
			assertThat(lost).isZero();
			assertThat(found).isLessThan(Duration.ofSeconds(10));
			ReliabilityReport.record("4", "Hung etcd",
					"etcd stopped with SIGSTOP (check interval 1 s, request timeout 1 s), then SIGCONT", 2, lost,
					recovery, "its last values; the hang was reported as UNREACHABLE after " + found.toMillis()
							+ " ms, and resynced after SIGCONT");
		}
	}

}
