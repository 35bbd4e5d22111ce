package io.github.etcdconfig.reliability;

import java.time.Duration;

import io.github.etcdconfig.client.EtcdErrors;
import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.TcpProxy;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 6: authentication tokens expire, users are revoked, and the connection is TLS.
 */
@Tag("reliability")
class EtcdSecurityScenarioTests {

	private static final String PASSWORD = "r3ader-Pa55";

	@Nested
	class Auth {

		@RegisterExtension
		static EtcdClusterExtension etcd = new EtcdClusterExtension(
				EtcdCluster.builder().authTokenTtl(Duration.ofSeconds(2)));

		static EtcdKeys root;

		@org.junit.jupiter.api.BeforeAll
		static void enableAuth() {
			etcd.cluster().addUser("reader", PASSWORD, "/config/");
			etcd.cluster().enableAuth("root-Pa55");
			root = new EtcdKeys(etcd.cluster().newClient());
		}

		@org.junit.jupiter.api.AfterAll
		static void close() {
			root.client().close();
		}

		@Test
		void theWatchSurvivesTokenExpiryAndAReconnectAfterIt() {
			root.put("/config/" + FollowingApp.COUNTER, "1");
			try (TcpProxy proxy = TcpProxy.to(etcd.cluster().clientEndpoints().get(0));
					FollowingApp app = new FollowingApp(proxy.endpoint().toString(), "etcd.username=reader",
							"etcd.password=" + PASSWORD)) {
				app.awaitCounter(1, Duration.ofSeconds(10));
				long loaded = System.nanoTime();
				// The token the application got at start-up expires after 2 s.
				await().atMost(Duration.ofSeconds(10))
					.until(() -> System.nanoTime() - loaded > Duration.ofSeconds(3).toNanos());
				root.put("/config/" + FollowingApp.COUNTER, "2");
				app.awaitCounter(2, Duration.ofSeconds(10));
				proxy.cut();
				root.put("/config/" + FollowingApp.COUNTER, "3");
				proxy.restore();
				long restored = System.nanoTime();
				app.awaitCounter(3, Duration.ofSeconds(20));
				Duration recovery = Duration.ofNanos(System.nanoTime() - restored);
				long lost = app.awaitSameAs(root, Duration.ofSeconds(10));
				assertThat(lost).isZero();
				ReliabilityReport.record("6a", "Auth token expiry",
						"etcd with --auth-token-ttl=2; a change after the token expired, then a cut line and a change "
								+ "while it was cut, so the watch is created again with an expired token",
						3, lost, recovery, "its last values; the watch re-authenticated by itself");
			}
		}

		@Test
		void aRevokedUserGetsAClearErrorAndTheLastValuesAreKept() {
			root.put("/config/revoked/value", "kept");
			etcd.cluster().addUser("temporary", PASSWORD, "/config/");
			try (FollowingApp app = new FollowingApp(etcd.cluster().endpointsProperty(), "etcd.username=temporary",
					"etcd.password=" + PASSWORD)) {
				assertThat(app.property("revoked.value")).isEqualTo("kept");
				etcd.cluster().revokeUser("temporary");
				await().atMost(Duration.ofSeconds(15))
					.until(() -> app.watcher().getWatcher().getStatus().getLastError() != null);
				// The words health, the endpoint and the log show.
				String error = EtcdErrors.describe(app.watcher().getWatcher().getStatus().getLastError(), null);
				assertThat(app.property("revoked.value")).isEqualTo("kept");
				assertThat(error).doesNotContain(PASSWORD)
					.endsWith("invalid user ID or password (check etcd.username and etcd.password)");
				ReliabilityReport.record("6b", "Revoked user", "the application's etcd user deleted while it runs", 0,
						0, null, "its last values; the watcher reports the error: " + error.replace('|', '/'));
			}
		}

	}

	@Nested
	class MutualTls {

		@RegisterExtension
		static EtcdClusterExtension etcd = new EtcdClusterExtension(EtcdCluster.builder().clientCertAuth(true));

		@Test
		void changesFlowOverMutualTls() {
			EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient());
			try (FollowingApp app = new FollowingApp(etcd.cluster().endpointsProperty(), "etcd.ssl.bundle=etcd",
					"spring.ssl.bundle.pem.etcd.truststore.certificate=file:" + etcd.cluster().tls().caCert(),
					"spring.ssl.bundle.pem.etcd.keystore.certificate=file:" + etcd.cluster().tls().clientCert(),
					"spring.ssl.bundle.pem.etcd.keystore.private-key=file:" + etcd.cluster().tls().clientKeyPkcs1())) {
				long start = System.nanoTime();
				keys.put("/config/" + FollowingApp.COUNTER, "1");
				app.awaitCounter(1, Duration.ofSeconds(10));
				ReliabilityReport.record("6c", "TLS and mutual TLS",
						"etcd with --client-cert-auth; the application uses an SSL bundle with a PKCS#1 client key", 1,
						0, Duration.ofNanos(System.nanoTime() - start),
						"etcd's values over mutual TLS (recovery column: one change end to end)");
			}
			finally {
				keys.client().close();
			}
		}

	}

}
