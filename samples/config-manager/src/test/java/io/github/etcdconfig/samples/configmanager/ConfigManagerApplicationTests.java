package io.github.etcdconfig.samples.configmanager;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.github.etcdconfig.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The seed's example, end to end: operators put keys with etcdctl, GET /config shows them, and a change shows up
 * without a restart.
 */
class ConfigManagerApplicationTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@TempDir
	Path folder;

	@Test
	void getConfigShowsTheSeedKeysAndFollowsAChange() throws Exception {
		try (Client client = etcd.cluster().newClient()) {
			put(client, "/config/app-name", "my-application");
			put(client, "/config/database/host", "postgres");
			put(client, "/config/database/port", "5432");
			put(client, "/config/database/name", "erp");
			put(client, "/config/api/rate-limit", "100");
			put(client, "/config/api/timeout", "5000");
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ConfigManagerApplication.class)
				.run("--server.port=0", "--etcd.endpoints=" + etcd.cluster().endpointsProperty(),
						"--etcd.config.snapshot.path=" + this.folder.resolve("snapshot"))) {
				int port = ((WebServerApplicationContext) context).getWebServer().getPort();
				assertThat(get(port)).contains("\"app-name\":\"my-application\"")
					.contains("\"database.host\":\"postgres\"")
					.contains("\"api.rate-limit\":100");
				put(client, "/config/api/rate-limit", "200");
				put(client, "/config/database/host", "postgres-2");
				put(client, "/config/app-name", "renamed");
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get(port))
					.contains("\"api.rate-limit\":200")
					.contains("\"database.host\":\"postgres-2\"")
					.contains("\"app-name\":\"renamed\""));
			}
		}
	}

	private static void put(Client client, String key, String value) throws Exception {
		client.getKVClient()
			.put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value, StandardCharsets.UTF_8))
			.get(10, TimeUnit.SECONDS);
	}

	private static String get(int port) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/config")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

}
