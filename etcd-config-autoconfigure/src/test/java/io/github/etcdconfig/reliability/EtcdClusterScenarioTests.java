package io.github.etcdconfig.reliability;

import java.time.Duration;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.support.SteadyWriter;
import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMember;
import io.github.etcdconfig.watch.EtcdPrefixWatcher;
import io.github.etcdconfig.watch.EtcdWatchStatus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 2: a 3-member cluster loses its leader, each member in turn, and its quorum.
 */
@Tag("reliability")
class EtcdClusterScenarioTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension(EtcdCluster.builder().members(3));

	/**
	 * Kill a member under a steady writer, wait until the application serves a write
	 * acknowledged after the kill, start the member again.
	 * @return the time from the kill to the application serving a write made after it
	 */
	private static Duration killAndFollow(EtcdMember member, SteadyWriter writer, FollowingApp app) {
		long before = writer.acknowledged();
		await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledged() > before + 5);
		member.kill();
		long killed = System.nanoTime();
		long firstAfter = writer.acknowledged() + 1;
		await().atMost(Duration.ofSeconds(30)).until(() -> writer.acknowledged() >= firstAfter);
		app.awaitCounter(firstAfter, Duration.ofSeconds(30));
		Duration recovery = Duration.ofNanos(System.nanoTime() - killed);
		member.start();
		return recovery;
	}

	@Test
	void theLeaderKilledTheApplicationFollowsTheNewLeader() {
		try (Client client = etcd.cluster().newClient();
				FollowingApp app = new FollowingApp(etcd.cluster().endpointsProperty())) {
			SteadyWriter writer = new SteadyWriter(client, "/config/" + FollowingApp.COUNTER);
			Duration recovery = killAndFollow(etcd.cluster().leader(), writer, app);
			long written = writer.stop();
			long lost = app.awaitSameAs(new EtcdKeys(client), Duration.ofSeconds(20));
			assertThat(lost).isZero();
			assertThat(app.counterNeverWentBack()).isTrue();
			ReliabilityReport.record("2a", "3-member cluster: leader killed",
					"the leader killed with -9 under a steady writer, then started again", written, lost, recovery,
					"its last applied values until a new leader took writes (recovery from the kill)");
		}
	}

	@Test
	void eachMemberKilledInTurnIncludingTheOneTheClientUsesLosesNothing() {
		try (Client client = etcd.cluster().newClient();
				FollowingApp app = new FollowingApp(etcd.cluster().endpointsProperty())) {
			SteadyWriter writer = new SteadyWriter(client, "/config/" + FollowingApp.COUNTER);
			Duration slowest = Duration.ZERO;
			for (EtcdMember member : etcd.cluster().members()) {
				Duration recovery = killAndFollow(member, writer, app);
				slowest = (recovery.compareTo(slowest) > 0) ? recovery : slowest;
			}
			long written = writer.stop();
			long lost = app.awaitSameAs(new EtcdKeys(client), Duration.ofSeconds(20));
			assertThat(lost).isZero();
			assertThat(app.counterNeverWentBack()).isTrue();
			ReliabilityReport.record("2b", "3-member cluster: the member the client uses killed",
					"each of the 3 members killed with -9 in turn (so also the one the watch stream used), "
							+ "then started again",
					written, lost, slowest, "its last applied values (slowest recovery from a kill shown)");
		}
	}

	@Test
	void aQuorumLossKeepsTheLastValuesServedAndRecoversWhenQuorumReturns() {
		try (Client client = etcd.cluster().newClient();
				FollowingApp app = new FollowingApp(etcd.cluster().endpointsProperty())) {
			EtcdKeys keys = new EtcdKeys(client);
			keys.put("/config/" + FollowingApp.COUNTER, "1");
			app.awaitCounter(1, Duration.ofSeconds(10));
			EtcdMember first = etcd.cluster().member(1);
			EtcdMember second = etcd.cluster().member(2);
			first.kill();
			second.kill();
			await().atMost(Duration.ofSeconds(20))
				.until(() -> app.watcher().getWatcher().getStatus().getState() != EtcdWatchStatus.State.WATCHING);
			EtcdWatchStatus.State during = app.watcher().getWatcher().getStatus().getState();
			assertThat(app.counter()).isEqualTo(1);
			first.start();
			second.start();
			long restored = System.nanoTime();
			await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
				keys.put("/config/" + FollowingApp.COUNTER, "2", Duration.ofSeconds(1));
				return true;
			});
			app.awaitCounter(2, Duration.ofSeconds(30));
			Duration recovery = Duration.ofNanos(System.nanoTime() - restored);
			long lost = app.awaitSameAs(keys, Duration.ofSeconds(20));
			assertThat(lost).isZero();
			ReliabilityReport.record("2c", "3-member cluster: quorum lost",
					"2 of 3 members killed with -9, then both started again", 2, lost, recovery,
					"its last values (counter=1); the watcher reported " + during
							+ " until quorum returned (recovery from the restart)");
		}
	}

}
