package io.github.etcdconfig.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdClusterThreeMembersTest {

	@RegisterExtension
	static final EtcdClusterExtension ETCD = new EtcdClusterExtension(EtcdCluster.builder().members(3));

	@Test
	void newLeaderIsElectedWhenTheLeaderDiesAndTheOldOneRejoins() throws Exception {
		EtcdCluster etcd = ETCD.cluster();
		assertThat(etcd.members()).hasSize(3).allMatch(EtcdMember::isRunning);
		assertThat(etcd.endpointsProperty().split(",")).hasSize(3);
		assertThat(etcd.members().stream().map(EtcdMember::clientEndpoint).distinct()).hasSize(3);

		try (EtcdKeys keys = new EtcdKeys(etcd.newClient())) {
			keys.put("/config/before", "1");
			EtcdMember oldLeader = etcd.leader();

			oldLeader.kill();

			EtcdMember newLeader = await().atMost(Duration.ofSeconds(15))
				.ignoreExceptions()
				.until(etcd::leader, leader -> leader != oldLeader);
			assertThat(newLeader.isRunning()).isTrue();
			await().atMost(Duration.ofSeconds(10))
				.ignoreExceptions()
				.untilAsserted(() -> keys.put("/config/after", "2"));

			oldLeader.start();
			List<String> seen = await().atMost(Duration.ofSeconds(10))
				.ignoreExceptions()
				.until(() -> List.of(keys.value("/config/before"), keys.value("/config/after")),
						values -> values.equals(List.of("1", "2")));
			assertThat(seen).containsExactly("1", "2");
			assertThat(etcd.members()).allMatch(EtcdMember::isRunning);
		}
	}

	@Test
	void clusterThatLostItsQuorumComesBackWithStart() throws Exception {
		EtcdCluster etcd = ETCD.cluster();
		try (EtcdKeys keys = new EtcdKeys(etcd.newClient())) {
			keys.put("/config/quorum", "kept");
			etcd.members().forEach(EtcdMember::kill);

			etcd.start();

			assertThat(etcd.members()).allMatch(EtcdMember::isRunning);
			assertThat(etcd.leader()).isIn(etcd.members());
			await().atMost(Duration.ofSeconds(10))
				.ignoreExceptions()
				.untilAsserted(() -> assertThat(keys.value("/config/quorum")).isEqualTo("kept"));
		}
	}

}
