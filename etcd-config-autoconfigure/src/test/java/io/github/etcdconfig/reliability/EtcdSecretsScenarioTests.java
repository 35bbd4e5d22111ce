package io.github.etcdconfig.reliability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import io.github.etcdconfig.config.EtcdConfigFailureAnalyzer;
import io.github.etcdconfig.config.EtcdConfigLoadException;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Scenario 8: the etcd password, the TLS private key and secret values never show.
 */
@Tag("reliability")
@ExtendWith(OutputCaptureExtension.class)
class EtcdSecretsScenarioTests {

	private static final String PASSWORD = "Etcd-Pa55word-9f3e";

	private static final String SECRET_VALUE = "db-S3cret-77a1";

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension(EtcdCluster.builder().clientCertAuth(true));

	@BeforeAll
	static void secure() {
		EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config/db/password", SECRET_VALUE);
		keys.put("/config/db/host", "postgres");
		keys.client().close();
		etcd.cluster().addUser("app", PASSWORD, "/config/");
		etcd.cluster().enableAuth("root-Pa55word");
	}

	private static List<String> tlsAndAuth(String password) {
		return new ArrayList<>(List.of("etcd.endpoints=" + etcd.cluster().endpointsProperty(), "etcd.username=app",
				"etcd.password=" + password, "etcd.ssl.bundle=etcd",
				"spring.ssl.bundle.pem.etcd.truststore.certificate=file:" + etcd.cluster().tls().caCert(),
				"spring.ssl.bundle.pem.etcd.keystore.certificate=file:" + etcd.cluster().tls().clientCert(),
				"spring.ssl.bundle.pem.etcd.keystore.private-key=file:" + etcd.cluster().tls().clientKeyPkcs8()));
	}

	@Test
	void thePasswordTheKeyAndSecretValuesAppearInNoLogNoExceptionAndNoEndpoint(CapturedOutput output) throws Exception {
		List<String> secrets = new ArrayList<>(List.of(PASSWORD, SECRET_VALUE));
		Files.readAllLines(etcd.cluster().tls().clientKeyPkcs8())
			.stream()
			.filter((line) -> !line.startsWith("-----"))
			.forEach(secrets::add);
		List<String> seen = new ArrayList<>();
		List<String> properties = tlsAndAuth(PASSWORD);
		properties.addAll(List.of("server.port=0", "management.endpoints.web.exposure.include=env,etcdconfig,health",
				"management.endpoint.health.show-details=always", "logging.level.io.github.etcdconfig=DEBUG"));
		try (ConfigurableApplicationContext context = Apps.builder(new Class<?>[0], properties.toArray(String[]::new))
			.web(WebApplicationType.SERVLET)
			.run()) {
			assertThat(context.getEnvironment().getProperty("db.password")).isEqualTo(SECRET_VALUE);
			String port = context.getEnvironment().getProperty("local.server.port");
			for (String endpoint : List.of("env", "etcdconfig", "health")) {
				seen.add(HttpClient.newHttpClient()
					.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/" + endpoint))
						.build(), HttpResponse.BodyHandlers.ofString())
					.body());
			}
		}
		EtcdConfigLoadException failure = catchThrowableOfType(EtcdConfigLoadException.class,
				() -> Apps.builder(new Class<?>[0], tlsAndAuth("wrong-" + PASSWORD).toArray(String[]::new)).run());
		seen.add(failure.getMessage());
		seen.add(new EtcdConfigFailureAnalyzer().analyze(failure).getDescription());
		seen.add(output.toString());
		assertThat(seen.get(1)).contains("db.password");
		for (String text : seen) {
			for (String secret : secrets) {
				assertThat(text).doesNotContain(secret);
			}
		}
		ReliabilityReport.record("8", "Secrets",
				"an application with an etcd password and a mutual-TLS private key reads a secret value; "
						+ "/actuator/env, /actuator/etcdconfig and /actuator/health are fetched with details; then a "
						+ "start with a wrong password fails",
				0, 0, null, "none of the password, the key's lines or the secret value appeared in the captured "
						+ "logs (DEBUG), the exception, the failure analysis or the three endpoints");
	}

}
