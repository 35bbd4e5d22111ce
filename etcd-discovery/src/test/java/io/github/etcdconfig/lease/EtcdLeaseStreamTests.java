package io.github.etcdconfig.lease;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMember;
import io.github.etcdconfig.test.EtcdMetrics;
import io.github.etcdconfig.test.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The heartbeats of every lease of a client on one gRPC keep-alive stream
 * ({@link EtcdLeaseStream}), counted by etcd itself ({@code grpc_server_started_total}
 * and {@code grpc_server_msg_received_total} of {@code LeaseKeepAlive}), and the lease's
 * loss detection on it.
 */
class EtcdLeaseStreamTests {

	private static final String KEEP_ALIVE = "grpc_method=\"LeaseKeepAlive\"";

	private static final Duration TTL = Duration.ofSeconds(10);

	private static final Duration HEARTBEAT = Duration.ofMillis(300);

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	private static final Duration WAIT = Duration.ofSeconds(30);

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	private final List<String> losses = new CopyOnWriteArrayList<>();

	private ScheduledExecutorService scheduler;

	@BeforeEach
	void noStreamLeft() {
		// Streams of the previous test may still be closing; the counts below are
		// absolute.
		await().atMost(WAIT).until(() -> openStreams() == 0);
		this.scheduler = EtcdLease.scheduler("test-heartbeat");
	}

	@AfterEach
	void stopHeartbeats() {
		this.scheduler.shutdownNow();
	}

	@Test
	void heartbeatsOfEveryLeaseOfAClientShareOneStream() throws Exception {
		try (Client client = etcd.cluster().newClient()) {
			long started = started();
			long received = heartbeats();
			List<EtcdLease> leases = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				leases.add(grant(client, TTL));
			}
			// Three heartbeats of each lease at least.
			await().atMost(WAIT).until(() -> heartbeats() >= received + 9);
			assertThat(started() - started).isOne();
			assertThat(openStreams()).isOne();
			assertThat(leases).allSatisfy((lease) -> assertThat(lease.isAlive()).isTrue());
			leases.forEach(EtcdLease::revoke);
		}
	}

	@Test
	void theStreamEndsWithTheLastLeaseOfTheClient() throws Exception {
		try (Client client = etcd.cluster().newClient()) {
			long received = heartbeats();
			EtcdLease first = grant(client, TTL);
			EtcdLease second = grant(client, TTL);
			await().atMost(WAIT).until(() -> heartbeats() >= received + 2 && openStreams() == 1);
			EtcdKeys.await(first.revoke());
			assertThat(openStreams()).isOne();
			EtcdKeys.await(second.revoke());
			await().atMost(WAIT).until(() -> openStreams() == 0);
		}
	}

	@Test
	void aLeaseOutlivesARestartOfEtcdForLongerThanItsTtl() throws Exception {
		EtcdMember member = etcd.cluster().member(0);
		try (Client client = etcd.cluster().newClient()) {
			EtcdLease lease = grant(client, TTL);
			member.kill();
			member.start();
			// etcd counts from its restart: heartbeats confirmed on a new stream for
			// longer than the TTL.
			long heartbeatsInATtl = TTL.toMillis() / HEARTBEAT.toMillis();
			await().atMost(WAIT.plus(TTL)).until(() -> heartbeats() > heartbeatsInATtl);
			assertThat(lease.isAlive()).isTrue();
			assertThat(this.losses).isEmpty();
			try (EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient())) {
				assertThat(keys.ttl(lease.getId())).isPositive();
			}
			EtcdKeys.await(lease.revoke());
		}
	}

	@Test
	void aLeaseOutlivesAFailedStreamOnANewOne() throws Exception {
		URI endpoint = etcd.cluster().clientEndpoints().get(0);
		try (TcpProxy proxy = TcpProxy.to(endpoint);
				Client client = Client.builder().endpoints(proxy.endpoint()).build()) {
			long received = heartbeats();
			EtcdLease lease = grant(client, TTL);
			await().atMost(WAIT).until(() -> heartbeats() >= received + 2);
			long started = started();
			proxy.cut();
			proxy.restore();
			await().atMost(WAIT).until(() -> started() > started);
			long again = heartbeats();
			await().atMost(WAIT).until(() -> heartbeats() >= again + 3);
			assertThat(lease.isAlive()).isTrue();
			assertThat(this.losses).isEmpty();
			EtcdKeys.await(lease.revoke());
		}
	}

	@Test
	void aLeaseIsLostWithinItsTtlWhileEtcdIsFrozen() throws Exception {
		Duration ttl = Duration.ofSeconds(3);
		try (Client client = etcd.cluster().newClient()) {
			EtcdLease lease = grant(client, ttl);
			EtcdMember member = etcd.cluster().member(0);
			member.pause();
			try {
				await().atMost(ttl.plusSeconds(1)).until(() -> !this.losses.isEmpty());
			}
			finally {
				member.resume();
			}
			assertThat(this.losses).singleElement().asString().contains("whole TTL");
			assertThat(lease.isAlive()).isFalse();
		}
	}

	@Test
	void aLeaseEtcdNoLongerKnowsIsLostAtItsNextHeartbeat() throws Exception {
		try (Client client = etcd.cluster().newClient(); EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient())) {
			EtcdLease lease = grant(client, TTL);
			keys.revoke(lease.getId());
			await().atMost(WAIT).until(() -> !this.losses.isEmpty());
			assertThat(this.losses).singleElement().asString().contains("no longer knows");
			assertThat(lease.isAlive()).isFalse();
		}
	}

	@Test
	void aClientWhoseChannelCannotBeReachedSendsEachHeartbeatOnAStreamOfItsOwn() throws Exception {
		try (Client client = etcd.cluster().newClient()) {
			// Not jetcd's own client class: its internals are out of reach.
			Client wrapped = (Client) Proxy.newProxyInstance(getClass().getClassLoader(),
					new Class<?>[] { Client.class }, (proxy, method, arguments) -> method.invoke(client, arguments));
			long started = started();
			EtcdLease lease = grant(wrapped, TTL);
			await().atMost(WAIT).until(() -> started() >= started + 3);
			assertThat(lease.isAlive()).isTrue();
			EtcdKeys.await(lease.revoke());
		}
	}

	private EtcdLease grant(Client client, Duration ttl) throws InterruptedException {
		return EtcdLease.grant(client, ttl, HEARTBEAT, TIMEOUT, this.scheduler,
				(lease, reason) -> this.losses.add(reason));
	}

	// Heartbeats etcd received, on any stream.
	private static long heartbeats() {
		return metric("grpc_server_msg_received_total");
	}

	// Keep-alive streams etcd opened.
	private static long started() {
		return metric("grpc_server_started_total");
	}

	private static long openStreams() {
		return started() - metric("grpc_server_handled_total");
	}

	private static long metric(String name) {
		return EtcdMetrics.value(etcd.cluster().clientEndpoints().get(0), name, KEEP_ALIVE);
	}

}
