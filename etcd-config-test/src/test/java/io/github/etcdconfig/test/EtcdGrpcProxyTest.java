package io.github.etcdconfig.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EtcdGrpcProxyTest {

	private static EtcdCluster cluster;

	@BeforeAll
	static void startCluster() {
		assumeTrue(EtcdCluster.isEtcdAvailable(), "needs a local etcd binary (install etcd-server or set ETCD_BIN)");
		cluster = EtcdCluster.single().start();
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aProxyWhosePortWasTakenStartsOnTheNextPort() throws Exception {
		try (ServerSocket taken = takenPort()) {
			int free = EtcdCluster.freePorts(1).get(0);
			Iterator<Integer> ports = List.of(taken.getLocalPort(), free).iterator();
			try (EtcdGrpcProxy proxy = EtcdGrpcProxy.start(cluster, ports::next)) {
				assertThat(proxy.endpoint().getPort()).isEqualTo(free);
				assertThat(StatusProbe.status(proxy.endpoint(), null)).isPresent();
			}
		}
	}

	@Test
	void aProxyWhosePortsAreAllTakenFailsSayingSoAfterThreeAttempts() throws Exception {
		try (ServerSocket taken = takenPort()) {
			AtomicInteger attempts = new AtomicInteger();
			assertThatIllegalStateException().isThrownBy(() -> EtcdGrpcProxy.start(cluster, () -> {
				attempts.incrementAndGet();
				return taken.getLocalPort();
			})).withMessageContaining("address already in use");
			assertThat(attempts).hasValue(3);
		}
	}

	private static ServerSocket takenPort() throws Exception {
		ServerSocket socket = new ServerSocket();
		socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
		return socket;
	}

}
