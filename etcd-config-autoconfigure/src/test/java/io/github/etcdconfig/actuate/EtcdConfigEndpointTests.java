package io.github.etcdconfig.actuate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import io.github.etcdconfig.config.EtcdConfigStores;
import io.github.etcdconfig.config.EtcdInstanceIdentity;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /actuator/etcdconfig} shows what each etcd source holds and how its watch is
 * doing, with values masked like Spring Boot's env endpoint; {@code POST} resyncs from
 * etcd.
 */
class EtcdConfigEndpointTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@AutoClose
	static EtcdKeys keys;

	static long revision;

	final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void seed() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config/db/host", "postgres");
		keys.put("/config/db/password", "s3cr3t");
		revision = keys.put("/config/feature/enabled", "true");
	}

	@Test
	void showsPrefixesRevisionKeyCountWatchStateCountersAndTheKeyOfEachProperty() throws Exception {
		try (ConfigurableApplicationContext context = run()) {
			String json = get(context);
			assertThat(read(json, "$.sources.length()")).isEqualTo(1);
			assertThat(read(json, "$.sources[0].endpoints")).isEqualTo(List.of(etcd.cluster().endpointsProperty()));
			assertThat(read(json, "$.sources[0].prefixes")).isEqualTo(List.of("/config/"));
			assertThat(((Number) read(json, "$.sources[0].revision")).longValue()).isGreaterThanOrEqualTo(revision);
			assertThat(read(json, "$.sources[0].keys")).isEqualTo(3);
			assertThat(read(json, "$.sources[0].state")).isIn("STARTING", "WATCHING");
			assertThat(read(json, "$.sources[0].reconnects")).isEqualTo(0);
			assertThat(read(json, "$.sources[0].resyncs")).isEqualTo(0);
			assertThat(read(json, "$.sources[0].stale")).isEqualTo(false);
			assertThat(read(json, "$.sources[0].properties['db.host'].key")).isEqualTo("/config/db/host");
			assertThat((String) read(json, "$.sources[0].properties['db.host'].origin"))
				.startsWith("etcd key /config/db/host (revision ");
			assertThat(json).doesNotContain("lastRefresh");
		}
	}

	@Test
	void masksEveryValueByDefault() throws Exception {
		try (ConfigurableApplicationContext context = run()) {
			String json = get(context);
			assertThat(read(json, "$.sources[0].properties['db.password'].value")).isEqualTo("******");
			assertThat(read(json, "$.sources[0].properties['db.host'].value")).isEqualTo("******");
			assertThat(json).doesNotContain("s3cr3t").doesNotContain("postgres");
		}
	}

	@Test
	void showsValuesWhenShowValuesIsAlwaysButNeverAPassword() throws Exception {
		try (ConfigurableApplicationContext context = run("management.endpoint.etcdconfig.show-values=always")) {
			String json = get(context);
			assertThat(read(json, "$.sources[0].properties['db.host'].value")).isEqualTo("postgres");
			assertThat(read(json, "$.sources[0].properties['feature.enabled'].value")).isEqualTo("true");
			assertThat(read(json, "$.sources[0].properties['db.password'].value")).isEqualTo("******");
			assertThat(json).doesNotContain("s3cr3t");
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void showsTheLastRefreshWithItsTimeRevisionAndChangedKeys() throws Exception {
		try (ConfigurableApplicationContext context = run()) {
			long changed = keys.putAll("/config/db/host", "postgres-2", "/config/db/pool", "10");
			await().atMost(Duration.ofSeconds(10)).until(() -> get(context).contains("lastRefresh"));
			String json = get(context);
			assertThat(((Number) read(json, "$.lastRefresh.revision")).longValue()).isEqualTo(changed);
			assertThat((List<Object>) read(json, "$.lastRefresh.keys")).containsExactlyInAnyOrder("db.host", "db.pool");
			assertThat((String) read(json, "$.lastRefresh.time")).isNotBlank();
		}
		finally {
			keys.put("/config/db/host", "postgres");
			keys.delete("/config/db/pool");
		}
	}

	@Test
	void showsTheStagedRolloutTheInstanceTakes() throws Exception {
		long rollout = keys.putAll("/config-apps/shown/_rollout/selector",
				"{\"id\": \"r-1\", \"seed\": \"s\", \"rules\": [{\"below\": 1}]}",
				"/config-apps/shown/_rollout/values/db/host", "canary-db");
		try (ConfigurableApplicationContext context = run("spring.application.name=shown")) {
			assertThat(get(context)).doesNotContain("\"rollout\"");
			context.getBean(EtcdConfigStores.BEAN_NAME, EtcdConfigStores.class)
				.setIdentity(new EtcdInstanceIdentity("shown-1", Map.of()))
				.get(10, TimeUnit.SECONDS);
			String json = get(context);
			assertThat(read(json, "$.sources[0].rollout.id")).isEqualTo("r-1");
			assertThat(((Number) read(json, "$.sources[0].rollout.revision")).longValue()).isEqualTo(rollout);
			assertThat(read(json, "$.sources[0].properties['db.host'].key"))
				.isEqualTo("/config-apps/shown/_rollout/values/db/host");
		}
		finally {
			keys.deletePrefix("/config-apps/shown/");
		}
	}

	@Test
	void postResyncsFromEtcd() throws Exception {
		try (ConfigurableApplicationContext context = run()) {
			HttpResponse<String> response = http.send(
					HttpRequest.newBuilder(url(context)).POST(HttpRequest.BodyPublishers.noBody()).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(204);
			await().atMost(Duration.ofSeconds(10)).until(() -> read(get(context), "$.sources[0].resyncs").equals(1));
		}
	}

	static ConfigurableApplicationContext run(String... properties) {
		List<String> all = new ArrayList<>(List.of("etcd.endpoints=" + etcd.cluster().endpointsProperty(),
				"server.port=0", "management.endpoints.web.exposure.include=etcdconfig"));
		all.addAll(List.of(properties));
		return Apps.builder(new Class<?>[0], all.toArray(String[]::new)).web(WebApplicationType.SERVLET).run();
	}

	String get(ConfigurableApplicationContext context) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(url(context)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	static URI url(ConfigurableApplicationContext context) {
		return URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port")
				+ "/actuator/etcdconfig");
	}

	static Object read(String json, String path) {
		return JsonPath.read(json, path);
	}

}
