package io.github.etcdconfig.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etcd.jetcd.Client;
import io.grpc.netty.GrpcSslContexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdTlsTest {

	@Test
	void generatesPemFiles(@TempDir Path dir) throws Exception {
		EtcdTls tls = EtcdTls.generate(dir);

		assertThat(Files.readString(tls.caCert())).startsWith("-----BEGIN CERTIFICATE-----");
		assertThat(Files.readString(tls.serverCert())).startsWith("-----BEGIN CERTIFICATE-----");
		assertThat(Files.readString(tls.clientCert())).startsWith("-----BEGIN CERTIFICATE-----");
		assertThat(Files.readString(tls.serverKey())).startsWith("-----BEGIN PRIVATE KEY-----");
		assertThat(Files.readString(tls.clientKeyPkcs8())).startsWith("-----BEGIN PRIVATE KEY-----");
		assertThat(Files.readString(tls.clientKeyPkcs1())).startsWith("-----BEGIN RSA PRIVATE KEY-----");
		assertThat(tls.clientSslContext()).isSameAs(tls.clientSslContext());
	}

	@Test
	void clientTalksToTlsMemberOverHttps() throws Exception {
		assumeTrue(EtcdCluster.isEtcdAvailable(), "needs a local etcd binary");
		try (EtcdCluster etcd = EtcdCluster.builder().tls(true).build().start();
				EtcdKeys keys = new EtcdKeys(etcd.newClient())) {
			assertThat(etcd.endpointsProperty()).startsWith("https://127.0.0.1:");
			assertThat(etcd.tls().caCert()).startsWith(etcd.baseDir());
			keys.put("/config/tls", "on");
			assertThat(keys.value("/config/tls")).isEqualTo("on");

			try (TcpProxy proxy = TcpProxy.to(etcd.member(0).clientEndpoint());
					EtcdKeys proxied = new EtcdKeys(etcd.clientBuilder().endpoints(proxy.endpoint()).build())) {
				assertThat(proxy.endpoint().getScheme()).isEqualTo("https");
				assertThat(proxied.value("/config/tls")).isEqualTo("on");
			}
		}
	}

	@Test
	void mutualTlsMemberRejectsClientsWithoutCertificate() throws Exception {
		assumeTrue(EtcdCluster.isEtcdAvailable(), "needs a local etcd binary");
		try (EtcdCluster etcd = EtcdCluster.builder().clientCertAuth(true).build().start()) {
			try (EtcdKeys keys = new EtcdKeys(etcd.newClient())) {
				keys.put("/config/mtls", "on");
				assertThat(keys.value("/config/mtls")).isEqualTo("on");
			}
			var trustOnly = GrpcSslContexts.forClient().trustManager(etcd.tls().caCert().toFile()).build();
			try (EtcdKeys noCert = new EtcdKeys(Client.builder()
				.endpoints(etcd.clientEndpoints())
				.sslContext(trustOnly)
				.waitForReady(false)
				.retryMaxAttempts(0)
				.build())) {
				assertThatThrownBy(() -> noCert.value("/config/mtls", Duration.ofSeconds(10)))
					.hasMessageStartingWith("etcd call failed")
					.rootCause()
					.isInstanceOf(SSLException.class);
			}
		}
	}

}
