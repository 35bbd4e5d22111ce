package io.github.etcdconfig.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.github.etcdconfig.config.EtcdConfigStore;
import io.github.etcdconfig.config.EtcdConfigStores;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.support.Connections;
import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The jetcd Client bean: the seed's direct put and get, from the same etcd.* settings as
 * the loader.
 */
class EtcdClientAutoConfigurationTests {

	private static String getValue(Client client, String key) throws Exception {
		return client.getKVClient()
			.get(ByteSequence.from(key, StandardCharsets.UTF_8))
			.get(10, TimeUnit.SECONDS)
			.getKvs()
			.get(0)
			.getValue()
			.toString(StandardCharsets.UTF_8);
	}

	@Nested
	class Plain {

		@RegisterExtension
		static EtcdClusterExtension etcd = new EtcdClusterExtension();

		@Test
		void isTheLoadersClientWhenTheSettingsMatch() {
			try (ConfigurableApplicationContext context = Apps.run(etcd.cluster())) {
				Client client = context.getBean(Client.class);
				assertThat(client).isSameAs(context.getBean(EtcdConfigStores.class).getStores().get(0).getClient());
			}
		}

		@Test
		void isItsOwnClientWhenConfigurationIsNotLoadedFromEtcd() throws Exception {
			try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "etcd.config.enabled=false")) {
				Client client = context.getBean(Client.class);
				new EtcdKeys(client).put("/app/direct", "written by the application");
				assertThat(getValue(client, "/app/direct")).isEqualTo("written by the application");
			}
		}

	}

	@Nested
	class SeveralSources {

		@RegisterExtension
		static EtcdClusterExtension etcd = new EtcdClusterExtension();

		@Test
		void shareOneClientSoTheApplicationHoldsOneConnectionToEachEndpoint() {
			assumeTrue(Connections.areVisible(), "counting connections needs Linux's /proc");
			try (EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient())) {
				keys.put("/flags/beta", "on");
				keys.put("/config/app-name", "shared");
			}
			int port = etcd.cluster().clientEndpoints().get(0).getPort();
			try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(),
					"spring.config.import=etcd:?prefixes=/flags/,etcd:?prefixes=/config/")) {
				List<EtcdConfigStore> stores = context.getBean(EtcdConfigStores.class).getStores();
				assertThat(stores).hasSize(2);
				assertThat(stores.get(1).getClient()).isSameAs(stores.get(0).getClient());
				assertThat(context.getBean(Client.class)).isSameAs(stores.get(0).getClient());
				assertThat(context.getEnvironment().getProperty("beta")).isEqualTo("on");
				assertThat(context.getEnvironment().getProperty("app-name")).isEqualTo("shared");
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(Connections.establishedTo(port)).isEqualTo(1));
			}
		}

	}

	@Nested
	class AuthAndTls {

		@RegisterExtension
		static EtcdClusterExtension etcd = new EtcdClusterExtension(EtcdCluster.builder().clientCertAuth(true));

		@BeforeAll
		static void secure() {
			EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient());
			keys.put("/config/db/host", "postgres");
			keys.client().close();
			etcd.cluster().addUser("reader", "Reader-Pa55", "/config/");
			etcd.cluster().enableAuth("Root-Pa55");
		}

		private ConfigurableApplicationContext run(String password) {
			return Apps.run(etcd.cluster(), "etcd.username=reader", "etcd.password=" + password, "etcd.ssl.bundle=etcd",
					"etcd.config.enabled=false",
					"spring.ssl.bundle.pem.etcd.truststore.certificate=file:" + etcd.cluster().tls().caCert(),
					"spring.ssl.bundle.pem.etcd.keystore.certificate=file:" + etcd.cluster().tls().clientCert(),
					"spring.ssl.bundle.pem.etcd.keystore.private-key=file:" + etcd.cluster().tls().clientKeyPkcs8());
		}

		@Test
		void readsOverMutualTlsWithTheConfiguredUser() throws Exception {
			try (ConfigurableApplicationContext context = run("Reader-Pa55")) {
				assertThat(getValue(context.getBean(Client.class), "/config/db/host")).isEqualTo("postgres");
			}
		}

		@Test
		void isRefusedWithAWrongPassword() {
			try (ConfigurableApplicationContext context = run("wrong")) {
				assertThatExceptionOfType(Exception.class)
					.isThrownBy(() -> getValue(context.getBean(Client.class), "/config/db/host"))
					.withStackTraceContaining("authentication failed");
			}
		}

	}

}
