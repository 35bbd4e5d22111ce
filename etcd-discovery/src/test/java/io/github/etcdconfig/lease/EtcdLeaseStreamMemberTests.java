package io.github.etcdconfig.lease;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.client.EtcdClientFactory;
import io.github.etcdconfig.client.EtcdMemberChoice;
import io.github.etcdconfig.client.EtcdProperties;
import io.github.etcdconfig.client.PropertiesEtcdConnectionDetails;
import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The heartbeats of a client held to one member ({@code etcd.load-balancing=one-member})
 * go with it when it moves to another member, counted by each member
 * ({@code grpc_server_started_total} and {@code grpc_server_handled_total} of
 * {@code LeaseKeepAlive}).
 */
class EtcdLeaseStreamMemberTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension(EtcdCluster.builder().members(3));

	private ScheduledExecutorService scheduler;

	@BeforeEach
	void startScheduler() {
		this.scheduler = EtcdLease.scheduler("test-heartbeat");
	}

	@AfterEach
	void stopScheduler() {
		this.scheduler.shutdownNow();
	}

	@Test
	void theHeartbeatStreamLeavesTheMemberWithTheClient() throws Exception {
		EtcdProperties properties = new EtcdProperties();
		properties.setEndpoints(etcd.cluster().clientEndpoints());
		properties.setLoadBalancing(EtcdProperties.LoadBalancing.ONE_MEMBER);
		try (Client client = EtcdClientFactory.standard(List.of())
			.create(new PropertiesEtcdConnectionDetails(properties, null), properties)) {
			EtcdMemberChoice choice = EtcdMemberChoice.of(client);
			EtcdLease lease = EtcdLease.grant(client, Duration.ofSeconds(10), Duration.ofMillis(300),
					Duration.ofSeconds(1), this.scheduler, (lost, reason) -> {
					});
			URI first = endpoint(choice.chosen());
			await().atMost(WAIT).until(() -> openStreams(first) == 1);

			choice.leave(choice.current(), "was asked to").get(WAIT.toSeconds(), TimeUnit.SECONDS);

			URI next = endpoint(choice.chosen());
			await().atMost(WAIT).until(() -> openStreams(first) == 0 && openStreams(next) == 1);
			assertThat(lease.isAlive()).isTrue();
			EtcdKeys.await(lease.revoke());
		}
	}

	private static URI endpoint(InetSocketAddress member) {
		return etcd.cluster()
			.clientEndpoints()
			.stream()
			.filter((endpoint) -> endpoint.getPort() == member.getPort())
			.findFirst()
			.orElseThrow();
	}

	private static long openStreams(URI member) {
		return EtcdMetrics.value(member, "grpc_server_started_total", "grpc_method=\"LeaseKeepAlive\"")
				- EtcdMetrics.value(member, "grpc_server_handled_total", "grpc_method=\"LeaseKeepAlive\"");
	}

}
