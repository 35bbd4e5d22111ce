package io.github.etcdconfig.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etcd.jetcd.ByteSequence;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class EtcdClusterTest {

	@BeforeAll
	static void requireBinary() {
		assumeTrue(EtcdCluster.isEtcdAvailable(), "needs a local etcd binary (install etcd-server or set ETCD_BIN)");
	}

	@Test
	void singleMemberServesAndCloseLeavesNothingBehind() throws Exception {
		EtcdCluster etcd = EtcdCluster.single().start();
		long pid = etcd.member(0).pid();
		Path baseDir = etcd.baseDir();
		try (EtcdKeys keys = new EtcdKeys(etcd.newClient())) {
			keys.put("/config/a", "1");
			assertThat(keys.value("/config/a")).isEqualTo("1");
		}
		assertThat(etcd.clientEndpoints()).singleElement()
			.satisfies(uri -> assertThat(uri.toString()).startsWith("http://127.0.0.1:"));
		assertThat(etcd.endpointsProperty()).isEqualTo(etcd.clientEndpoints().get(0).toString());
		assertThat(etcd.tls()).isNull();
		assertThat(Files.exists(baseDir.resolve("etcd0.log"))).isTrue();

		etcd.close();
		etcd.close();

		assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
		assertThat(etcd.member(0).isRunning()).isFalse();
		assertThat(baseDir).doesNotExist();
	}

	@Test
	void killedMemberRestartsWithItsData() throws Exception {
		try (EtcdCluster etcd = EtcdCluster.single().start(); EtcdKeys keys = new EtcdKeys(etcd.newClient())) {
			EtcdMember member = etcd.member(0);
			URI endpoint = member.clientEndpoint();
			keys.put("/config/survives", "yes");
			long firstPid = member.pid();

			member.kill();
			assertThat(member.isRunning()).isFalse();
			assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive)).isEmpty();

			member.start();
			assertThat(member.pid()).isNotEqualTo(firstPid);
			assertThat(member.clientEndpoint()).isEqualTo(endpoint);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(keys.value("/config/survives")).isEqualTo("yes"));

			member.stop();
			assertThat(member.isRunning()).isFalse();
			etcd.start();
			assertThat(member.isRunning()).isTrue();
			assertThat(keys.value("/config/survives")).isEqualTo("yes");
		}
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void pausedMemberAnswersNothingUntilResumed() throws Exception {
		try (EtcdCluster etcd = EtcdCluster.single().start(); EtcdKeys keys = new EtcdKeys(etcd.newClient())) {
			keys.put("/config/p", "v");
			EtcdMember member = etcd.member(0);

			member.pause();
			assertThat(member.isPaused()).isTrue();
			assertThatThrownBy(() -> keys.value("/config/p", Duration.ofMillis(500)))
				.hasCauseInstanceOf(TimeoutException.class);

			member.resume();
			assertThat(member.isPaused()).isFalse();
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(keys.value("/config/p", Duration.ofSeconds(1))).isEqualTo("v"));
		}
	}

	@Test
	void missingBinaryIsReportedClearly() {
		String previous = System.getProperty(EtcdBinary.PROPERTY);
		System.setProperty(EtcdBinary.PROPERTY, "/nonexistent/etcd");
		try {
			assertThat(EtcdCluster.isEtcdAvailable()).isFalse();
			EtcdCluster cluster = EtcdCluster.builder().members(3).build();
			assertThatThrownBy(cluster::start).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("/nonexistent/etcd")
				.hasMessageContaining("ETCD_BIN")
				.hasMessageContaining("need a local binary");
		}
		finally {
			if (previous == null) {
				System.clearProperty(EtcdBinary.PROPERTY);
			}
			else {
				System.setProperty(EtcdBinary.PROPERTY, previous);
			}
		}
	}

	@Test
	void prefixEndFollowsEtcdRules() {
		assertThat(EtcdCluster.prefixEnd(EtcdKeys.bytes("/config/")).toString()).isEqualTo("/config0");
		assertThat(EtcdCluster.prefixEnd(ByteSequence.from(new byte[] { 'a', (byte) 0xff })).getBytes())
			.containsExactly('b');
		assertThat(EtcdCluster.prefixEnd(ByteSequence.from(new byte[] { (byte) 0xff })).getBytes()).containsExactly(0);
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void membersListenBelowTheEphemeralRange() throws Exception {
		// Read here on its own: a picker that misread the range would otherwise skip this
		// test instead of failing it.
		String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
		int ephemeralStart = Integer.parseInt(range.split("\\s+")[0]);
		assumeTrue(ephemeralStart > 10_000, "an ephemeral range that starts above port 10000");
		try (EtcdCluster etcd = EtcdCluster.single().start()) {
			EtcdMember member = etcd.member(0);
			assertThat(List.of(member.clientEndpoint().getPort(), member.peerEndpoint().getPort()))
				.allSatisfy((port) -> assertThat(port).isBetween(10_000, ephemeralStart - 1));
		}
	}

}
