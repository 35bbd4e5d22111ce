package io.github.etcdconfig.reliability;

import java.time.Duration;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.support.SteadyWriter;
import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMember;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 1: a single etcd killed with -9 and restarted, again and again, under a steady
 * writer.
 */
@Tag("reliability")
class EtcdRestartScenarioTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension(EtcdCluster.builder());

	@Test
	void killedAndRestartedFiveTimesUnderASteadyWriterLosesNothing() {
		EtcdMember member = etcd.cluster().member(0);
		try (Client client = etcd.cluster().newClient();
				FollowingApp app = new FollowingApp(etcd.cluster().endpointsProperty())) {
			SteadyWriter writer = new SteadyWriter(client, "/config/" + FollowingApp.COUNTER);
			Duration slowest = Duration.ZERO;
			boolean servedLastValues = true;
			for (int round = 0; round < 5; round++) {
				long before = writer.acknowledged();
				await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledged() > before + 10);
				member.kill();
				// Events etcd sent before it died may still be applied now: what matters
				// is that values are served
				// and that they never go back (checked at the end).
				servedLastValues &= app.counter() > 0;
				member.start();
				long restarted = System.nanoTime();
				long firstAfter = writer.acknowledged() + 1;
				await().atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged() >= firstAfter);
				app.awaitCounter(firstAfter, Duration.ofSeconds(20));
				Duration recovery = Duration.ofNanos(System.nanoTime() - restarted);
				slowest = (recovery.compareTo(slowest) > 0) ? recovery : slowest;
			}
			long written = writer.stop();
			long lost = app.awaitSameAs(new EtcdKeys(client), Duration.ofSeconds(20));
			assertThat(lost).isZero();
			assertThat(app.counterNeverWentBack()).isTrue();
			assertThat(servedLastValues).isTrue();
			ReliabilityReport.record("1", "Single node restarts",
					"etcd killed with -9 and restarted 5 times while a writer puts 1, 2, 3... to one key", written,
					lost, slowest, "its last applied values; the counter never went back (slowest recovery shown)");
		}
	}

}
