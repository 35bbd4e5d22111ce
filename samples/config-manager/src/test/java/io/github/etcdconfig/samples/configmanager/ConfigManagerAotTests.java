package io.github.etcdconfig.samples.configmanager;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample as processed ahead of time by {@code spring-boot:process-aot} (which runs
 * before the tests, see pom.xml, without an etcd), started with
 * {@code -Dspring.aot.enabled=true} against a real etcd, and with Spring Cloud's refresh
 * scope off as Spring Cloud requires there.
 */
class ConfigManagerAotTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@TempDir
	Path folder;

	@BeforeEach
	void useTheProcessedApplication() {
		System.setProperty(AotDetector.AOT_ENABLED, "true");
	}

	@AfterEach
	void backToTheJvmApplication() {
		System.clearProperty(AotDetector.AOT_ENABLED);
	}

	@Test
	void theProcessedApplicationLoadsFollowsChangesAndReportsHealthEndpointAndMetrics() throws Exception {
		try (EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient())) {
			keys.put("/config/app-name", "my-application");
			keys.put("/config/database/host", "postgres");
			// main(): the processed initializer is found by the name of the main class,
			// as when java -jar runs it.
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ConfigManagerApplication.class)
				.main(ConfigManagerApplication.class)
				.run("--server.port=0", "--etcd.endpoints=" + etcd.cluster().endpointsProperty(),
						"--spring.cloud.refresh.enabled=false", "--management.endpoint.health.show-details=always",
						"--etcd.config.snapshot.path=" + this.folder.resolve("snapshot"))) {
				assertThat(context.getBeanFactory().getMergedBeanDefinition("configController"))
					.as("bean definitions generated ahead of time")
					.isInstanceOfSatisfying(RootBeanDefinition.class,
							(definition) -> assertThat(definition.getInstanceSupplier()).isNotNull());
				int port = ((WebServerApplicationContext) context).getWebServer().getPort();
				assertThat(get(port, "/config")).contains("\"app-name\":\"my-application\"")
					.contains("\"database.host\":\"postgres\"");
				long revision = keys.put("/config/database/host", "postgres-2");
				keys.put("/config/app-name", "renamed");
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(get(port, "/config")).contains("\"app-name\":\"renamed\"")
						.contains("\"database.host\":\"postgres-2\""));
				Map<String, Object> health = JsonParserFactory.getJsonParser().parseMap(get(port, "/actuator/health"));
				assertThat(health).extractingByKey("components")
					.extracting("etcdConfig")
					.hasFieldOrPropertyWithValue("status", "UP")
					.extracting("details")
					.hasFieldOrPropertyWithValue("state", "WATCHING");
				assertThat(get(port, "/actuator/etcdconfig")).contains("\"state\":\"WATCHING\"")
					.contains("\"key\":\"/config/database/host\"");
				assertThat(context.getBean(MeterRegistry.class).get("etcd.config.revision").gauge().value())
					.isGreaterThan(revision);
			}
		}
	}

	private static String get(int port, String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

}
