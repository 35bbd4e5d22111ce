package io.github.etcdconfig.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TcpProxyTest {

	@RegisterExtension
	static final EtcdClusterExtension ETCD = new EtcdClusterExtension();

	@Test
	void cutDropsConnectionsAndRestoreReconnects() throws Exception {
		try (TcpProxy proxy = TcpProxy.to(ETCD.cluster().member(0).clientEndpoint());
				EtcdKeys keys = new EtcdKeys(Client.builder().endpoints(proxy.endpoint()).build())) {
			assertThat(proxy.endpoint().toString()).isEqualTo("http://127.0.0.1:" + proxy.port());
			keys.put("/config/proxied", "yes");
			assertThat(keys.value("/config/proxied")).isEqualTo("yes");

			proxy.cut();
			assertThatThrownBy(() -> keys.value("/config/proxied", Duration.ofMillis(500)))
				.isInstanceOf(IllegalStateException.class);

			proxy.restore();
			await().atMost(Duration.ofSeconds(15))
				.untilAsserted(() -> assertThat(keys.value("/config/proxied", Duration.ofSeconds(1))).isEqualTo("yes"));
		}
	}

	@Test
	void cutResetsOpenSocketsAndRefusesNewOnes() throws Exception {
		try (TcpProxy proxy = new TcpProxy("127.0.0.1", ETCD.cluster().member(0).clientEndpoint().getPort());
				Socket open = new Socket("127.0.0.1", proxy.port())) {
			open.setSoTimeout(5_000);
			// the connection is registered asynchronously; an answer proves it is
			// forwarded (and kept alive)
			open.getOutputStream().write("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes());
			InputStream in = open.getInputStream();
			assertThat(in.read()).isEqualTo('H');

			proxy.cut();
			assertThatThrownBy(() -> drain(in)).isInstanceOf(IOException.class);
			try (Socket refused = new Socket("127.0.0.1", proxy.port())) {
				refused.setSoTimeout(5_000);
				assertThatThrownBy(() -> drain(refused.getInputStream())).isInstanceOf(IOException.class);
			}
		}
	}

	@Test
	void countsTheConnectionsClientsOpenAndTheBytesTheySendRefusedOnesIncluded() throws Exception {
		byte[] request = "GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes();
		try (TcpProxy proxy = TcpProxy.to(ETCD.cluster().member(0).clientEndpoint())) {
			try (Socket open = new Socket("127.0.0.1", proxy.port())) {
				open.setSoTimeout(5_000);
				open.getOutputStream().write(request);
				assertThat(open.getInputStream().read()).isEqualTo('H');
			}
			assertThat(proxy.connections()).isEqualTo(1);
			assertThat(proxy.bytesFromClients()).isEqualTo(request.length);

			proxy.cut();
			try (Socket refused = new Socket("127.0.0.1", proxy.port())) {
				await().atMost(Duration.ofSeconds(5)).until(() -> proxy.connections() == 2);
			}
			assertThat(proxy.bytesFromClients()).isEqualTo(request.length);
		}
	}

	/** Reads to the end; a reset connection throws instead of reaching it. */
	private static void drain(InputStream in) throws IOException {
		while (in.read() >= 0) {
			// keep reading
		}
	}

}
