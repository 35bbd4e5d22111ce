package io.github.etcdconfig.samples.configmanager;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The seed's example, end to end: operators put keys with etcdctl, GET /config shows
 * them, and a change shows up without a restart.
 */
class ConfigManagerApplicationTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@TempDir
	Path folder;

	@Test
	void getConfigShowsTheSeedKeysAndFollowsAChange() throws Exception {
		try (EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient())) {
			// The seed's keys
			keys.putAll("/config/app-name", "my-application", "/config/database/host", "postgres",
					"/config/database/port", "5432", "/config/database/name", "erp", "/config/api/rate-limit", "100",
					"/config/api/timeout", "5000");
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ConfigManagerApplication.class)
				.run("--server.port=0", "--etcd.endpoints=" + etcd.cluster().endpointsProperty(),
						"--etcd.config.snapshot.path=" + this.folder.resolve("snapshot"))) {
				int port = ((WebServerApplicationContext) context).getWebServer().getPort();
				assertThat(get(port)).contains("\"app-name\":\"my-application\"")
					.contains("\"database.host\":\"postgres\"")
					.contains("\"api.rate-limit\":100");
				keys.put("/config/api/rate-limit", "200");
				keys.put("/config/database/host", "postgres-2");
				keys.put("/config/app-name", "renamed");
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(get(port)).contains("\"api.rate-limit\":200")
						.contains("\"database.host\":\"postgres-2\"")
						.contains("\"app-name\":\"renamed\""));
			}
		}
	}

	private static String get(int port) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/config")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

}
