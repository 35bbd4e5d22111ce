package io.github.etcdconfig.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Mutual TLS through a Spring Boot SSL bundle, with certificates generated for the test.
 */
class EtcdConfigTlsTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension(EtcdCluster.builder().clientCertAuth(true));

	@BeforeAll
	static void seed() {
		EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config/database/host", "over-tls");
		keys.client().close();
	}

	private ConfigurableApplicationContext run(Path clientKey, String... properties) {
		List<String> all = new ArrayList<>(List.of("etcd.ssl.bundle=etcd",
				"spring.ssl.bundle.pem.etcd.truststore.certificate=file:" + etcd.cluster().tls().caCert(),
				"spring.ssl.bundle.pem.etcd.keystore.certificate=file:" + etcd.cluster().tls().clientCert(),
				"spring.ssl.bundle.pem.etcd.keystore.private-key=file:" + clientKey));
		all.addAll(List.of(properties));
		return Apps.run(etcd.cluster(), all.toArray(String[]::new));
	}

	@Test
	void loadsOverMutualTlsWithAPkcs8Key() {
		try (ConfigurableApplicationContext context = run(etcd.cluster().tls().clientKeyPkcs8())) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("over-tls");
		}
	}

	@Test
	void loadsOverMutualTlsWithAPkcs1Key() {
		try (ConfigurableApplicationContext context = run(etcd.cluster().tls().clientKeyPkcs1())) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("over-tls");
		}
	}

	@Test
	void aClientHeldToOneMemberChecksThatMembersCertificate() {
		try (ConfigurableApplicationContext context = run(etcd.cluster().tls().clientKeyPkcs8(),
				"etcd.load-balancing=one-member")) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("over-tls");
		}
	}

	@Test
	void aMissingBundleIsNamedInTheFailure() {
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> Apps.run(etcd.cluster(), "etcd.ssl.bundle=nope"))
			.withMessageContaining("nope");
	}

	@Test
	void withoutAClientCertificateTheServerRefusesAndStartUpFails() {
		assertThatExceptionOfType(EtcdConfigLoadException.class)
			.isThrownBy(() -> Apps.run(etcd.cluster(), "etcd.ssl.bundle=etcd",
					"spring.ssl.bundle.pem.etcd.truststore.certificate=file:" + etcd.cluster().tls().caCert()));
	}

}
