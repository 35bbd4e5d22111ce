package io.github.etcdconfig.config;

import java.io.IOException;
import java.net.ServerSocket;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A failed start-up is told the remedy for its own cause: an unreachable etcd is not a
 * broken document, and refused credentials are not an outage.
 */
class EtcdConfigFailureAnalysisTests {

	private static final String ETCD_IS_DOWN = "Check that etcd is running";

	private static FailureAnalysis analyze(Runnable start) {
		EtcdConfigLoadException failure = catchThrowableOfType(EtcdConfigLoadException.class, start::run);
		assertThat(failure).as("start-up failure").isNotNull();
		return new EtcdConfigFailureAnalyzer().analyze(failure);
	}

	@Test
	void anUnreachableEtcdIsToldToCheckThatItRunsAndHowToStartWithoutIt() throws IOException {
		String unreachable;
		try (ServerSocket socket = new ServerSocket(0)) {
			unreachable = "http://127.0.0.1:" + socket.getLocalPort();
		}
		String endpoint = unreachable;
		FailureAnalysis analysis = analyze(() -> Apps.builder(new Class<?>[0], "etcd.endpoints=" + endpoint).run());
		assertThat(analysis.getAction()).contains(ETCD_IS_DOWN)
			.contains("etcd.endpoints")
			.contains("optional:etcd:")
			.contains("etcd.config.fail-fast=false");
	}

	@Test
	void anSslBundleThatCannotBeLoadedIsToldToCheckTheClientSettings() {
		FailureAnalysis analysis = analyze(() -> Apps
			.builder(new Class<?>[0], "etcd.ssl.bundle=etcd",
					"spring.ssl.bundle.pem.etcd.truststore.certificate=file:/nonexistent/ca.pem")
			.run());
		assertThat(analysis.getDescription()).contains("/nonexistent/ca.pem");
		assertThat(analysis.getAction()).contains("etcd.ssl.bundle").doesNotContain(ETCD_IS_DOWN);
	}

	@Test
	void aClientFactoryThatFailsIsToldToCheckTheClientSettings() {
		FailureAnalysis analysis = analyze(() -> Apps.builder(new Class<?>[0])
			.addBootstrapRegistryInitializer(EtcdBootstrapper.create().withClientFactory((connection, settings) -> {
				throw new IllegalStateException("no TLS material");
			}))
			.run());
		assertThat(analysis.getDescription()).contains("no TLS material");
		assertThat(analysis.getAction()).contains("etcd.ssl.bundle")
			.contains("EtcdBootstrapper")
			.doesNotContain(ETCD_IS_DOWN);
	}

	@Nested
	@ExtendWith(OutputCaptureExtension.class)
	class InvalidSettings {

		@Test
		void aMalformedEndpointIsToldWhichPropertyToReview(CapturedOutput output) {
			assertThatException()
				.isThrownBy(() -> Apps.builder(new Class<?>[0], "etcd.endpoints=ftp://etcd:2379").run());
			assertThat(output).contains("etcd.endpoints[0]")
				.contains("Review the value of the property")
				.doesNotContain(ETCD_IS_DOWN);
		}

		@Test
		void aNegativeCatchUpFromTheSnapshotFileIsToldWhichPropertyToReview(CapturedOutput output) {
			assertThatException().isThrownBy(
					() -> Apps
						.builder(new Class<?>[0], "etcd.endpoints=http://127.0.0.1:1",
								"etcd.config.snapshot.catch-up-revisions=-1")
						.run());
			assertThat(output).contains("etcd.config.snapshot.catch-up-revisions must not be negative")
				.doesNotContain(ETCD_IS_DOWN);
		}

	}

	@Nested
	class BrokenDocument {

		@RegisterExtension
		static EtcdClusterExtension etcd = new EtcdClusterExtension();

		@Test
		void aBrokenYamlKeyIsToldToFixThatKeyNotThatEtcdIsDown() {
			try (EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient())) {
				keys.put("/config/database/host", "postgres");
				keys.put("/config/application.yml", "server:\n  port: [8080\n");
			}
			FailureAnalysis analysis = analyze(() -> Apps.run(etcd.cluster()));
			assertThat(analysis.getDescription()).contains("/config/application.yml");
			assertThat(analysis.getAction()).contains("Fix the document in etcd key /config/application.yml")
				.doesNotContain(ETCD_IS_DOWN);
		}

	}

	@Nested
	class AccessDenied {

		private static final String PASSWORD = "Pa55-w0rd-xyzzy";

		@RegisterExtension
		static EtcdClusterExtension etcd = new EtcdClusterExtension();

		@BeforeAll
		static void enableAuth() {
			etcd.cluster().addUser("reader", PASSWORD, "/config/");
			etcd.cluster().addUser("stranger", PASSWORD, "/elsewhere/");
			etcd.cluster().enableAuth("root-secret");
		}

		@Test
		void aWrongPasswordIsToldToFixTheCredentialsNotThatEtcdIsDown() {
			FailureAnalysis analysis = analyze(
					() -> Apps.run(etcd.cluster(), "etcd.username=reader", "etcd.password=wrong-" + PASSWORD));
			assertThat(analysis.getAction()).contains("etcd.username and etcd.password").doesNotContain(ETCD_IS_DOWN);
		}

		@Test
		void aUserWithoutReadPermissionIsToldAboutItsRole() {
			FailureAnalysis analysis = analyze(
					() -> Apps.run(etcd.cluster(), "etcd.username=stranger", "etcd.password=" + PASSWORD));
			assertThat(analysis.getDescription()).contains("PERMISSION_DENIED");
			assertThat(analysis.getAction()).contains("role").doesNotContain(ETCD_IS_DOWN);
		}

	}

}
