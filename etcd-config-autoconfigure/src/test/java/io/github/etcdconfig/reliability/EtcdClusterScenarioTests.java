package io.github.etcdconfig.reliability;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.client.EtcdMemberChoice;
import io.github.etcdconfig.support.OneMemberClients;
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
		return faultAndFollow(member, EtcdMember::kill, EtcdMember::start, writer, app);
	}

	/**
	 * Put a member at fault under a steady writer, wait until the application serves a
	 * write acknowledged after that, mend the member.
	 * @return the time from the fault to the application serving a write made after it
	 */
	private static Duration faultAndFollow(EtcdMember member, Consumer<EtcdMember> fault, Consumer<EtcdMember> mend,
			SteadyWriter writer, FollowingApp app) {
		long before = writer.acknowledged();
		await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledged() > before + 5);
		fault.accept(member);
		long faulted = System.nanoTime();
		// The writer puts one value at a time: the one after the last acknowledged may
		// have reached etcd before the fault, the next one cannot have.
		long firstAfter = writer.acknowledged() + 2;
		await().atMost(Duration.ofSeconds(30)).until(() -> writer.acknowledged() >= firstAfter);
		app.awaitCounter(firstAfter, Duration.ofSeconds(30));
		Duration recovery = Duration.ofNanos(System.nanoTime() - faulted);
		mend.accept(member);
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
	void eachMemberKilledInTurnAnApplicationThatSpreadsItsCallsOverTheMembersLosesNothing() {
		KilledInTurn outcome = killEachMemberInTurn("etcd.load-balancing=round-robin");
		assertThat(outcome.lost()).isZero();
		assertThat(outcome.neverWentBack()).isTrue();
		ReliabilityReport.record("2b", "3-member cluster, round-robin: each member killed",
				"etcd.load-balancing=round-robin; each of the 3 members killed with -9 in turn (so also the one "
						+ "the watch stream used), then started again",
				outcome.written(), outcome.lost(), outcome.slowest(),
				"its last applied values (slowest recovery from a kill shown)");
	}

	@Test
	void eachMemberKilledInTurnAnApplicationHeldToOneMemberLosesNothing() {
		KilledInTurn outcome = killEachMemberInTurn("etcd.load-balancing=one-member");
		assertThat(outcome.lost()).isZero();
		assertThat(outcome.neverWentBack()).isTrue();
		ReliabilityReport.record("2d", "3-member cluster, one member per client (the default): each member killed",
				"etcd.load-balancing=one-member; each of the 3 members killed with -9 in turn (so also the one "
						+ "the client was held to), then started again",
				outcome.written(), outcome.lost(), outcome.slowest(),
				"its last applied values (slowest recovery from a kill shown)");
	}

	private KilledInTurn killEachMemberInTurn(String... appProperties) {
		try (Client client = etcd.cluster().newClient();
				FollowingApp app = new FollowingApp(etcd.cluster().endpointsProperty(), appProperties)) {
			SteadyWriter writer = new SteadyWriter(client, "/config/" + FollowingApp.COUNTER);
			Duration slowest = Duration.ZERO;
			for (EtcdMember member : etcd.cluster().members()) {
				Duration recovery = killAndFollow(member, writer, app);
				slowest = (recovery.compareTo(slowest) > 0) ? recovery : slowest;
			}
			long written = writer.stop();
			long lost = app.awaitSameAs(new EtcdKeys(client), Duration.ofSeconds(20));
			return new KilledInTurn(written, lost, slowest, app.counterNeverWentBack());
		}
	}

	@Test
	void theMemberAnApplicationIsHeldToHangsTheApplicationFollowsFromTheNextMember() throws Exception {
		Hung outcome = hangTheMemberHeldTo(false);
		ReliabilityReport.record("2e", "3-member cluster, one member per client: that member hangs",
				"etcd.load-balancing=one-member; the member the client was held to stopped with SIGSTOP "
						+ "under a steady writer, then continued",
				outcome.written(), outcome.lost(), outcome.recovery(),
				"its last applied values until the client moved to the next member");
	}

	@Test
	void theLeaderAnApplicationIsHeldToHangsTheApplicationFollowsOnceTheOthersElectOne() throws Exception {
		// The next member answers "no leader" until the two left have elected one.
		Hung outcome = hangTheMemberHeldTo(true);
		ReliabilityReport.record("2f", "3-member cluster, one member per client: that member, the leader, hangs",
				"etcd.load-balancing=one-member; the leader, which the client was held to, stopped with "
						+ "SIGSTOP under a steady writer, then continued",
				outcome.written(), outcome.lost(), outcome.recovery(),
				"its last applied values until the others elected a leader and the client moved to one of them");
	}

	/**
	 * Pause the member an application held to one member talks to, under a steady writer,
	 * and check that it loses nothing, never goes back, and moves off that member.
	 * @param leader whether to hold the application to the leader first
	 */
	private Hung hangTheMemberHeldTo(boolean leader) throws Exception {
		try (Client client = etcd.cluster().newClient();
				FollowingApp app = new FollowingApp(etcd.cluster().endpointsProperty(),
						"etcd.load-balancing=one-member")) {
			EtcdMemberChoice choice = EtcdMemberChoice.of(app.context().getBean(Client.class));
			if (leader) {
				// Each client chooses its member at random: move it on until it is the
				// leader (an earlier test may have left the cluster electing one).
				await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
					if (OneMemberClients.chosen(etcd.cluster(), choice) == etcd.cluster().leader()) {
						return true;
					}
					choice.leave(choice.current(), "is not the leader").get(10, TimeUnit.SECONDS);
					return false;
				});
				// Each move ended the application's watches, which it opens again.
				await().atMost(Duration.ofSeconds(10))
					.until(() -> app.watcher().getWatcher().getStatus().getState() == EtcdWatchStatus.State.WATCHING);
			}
			int heldTo = choice.current();
			EtcdMember held = OneMemberClients.chosen(etcd.cluster(), choice);
			if (leader) {
				assertThat(held).as("the member held to is still the leader").isSameAs(etcd.cluster().leader());
			}
			SteadyWriter writer = new SteadyWriter(client, "/config/" + FollowingApp.COUNTER);
			Duration recovery = faultAndFollow(held, EtcdMember::pause, EtcdMember::resume, writer, app);
			long written = writer.stop();
			long lost = app.awaitSameAs(new EtcdKeys(client), Duration.ofSeconds(20));
			assertThat(lost).isZero();
			assertThat(app.counterNeverWentBack()).as("the counter's values %s", app.counterHistory()).isTrue();
			assertThat(choice.current()).as("moves off the member held to").isGreaterThan(heldTo);
			return new Hung(written, lost, recovery);
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

	private record KilledInTurn(long written, long lost, Duration slowest, boolean neverWentBack) {

	}

	private record Hung(long written, long lost, Duration recovery) {

	}

}
