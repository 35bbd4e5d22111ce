package io.github.etcdconfig.samples.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.etcdconfig.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's walk-through against a real etcd: two auth-service instances, a
 * greeting-service and the client.
 */
class ServiceDiscoverySampleTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@Test
	void theClientCallsBothServicesByNameAndSpreadsCallsOverTheAuthServiceInstances() {
		try (ConfigurableApplicationContext auth1 = run("auth-service");
				ConfigurableApplicationContext auth2 = run("auth-service");
				ConfigurableApplicationContext greeting = run("greeting-service");
				ConfigurableApplicationContext client = run("client", "--server.port=0")) {
			DiscoveryClient discovery = client.getBean(DiscoveryClient.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> discovery.getInstances("auth-service").size() == 2
						&& discovery.getInstances("greeting-service").size() == 1);

			RestClient http = RestClient.create("http://127.0.0.1:" + port(client));
			Set<String> authInstances = new HashSet<>();
			for (int i = 0; i < 4; i++) {
				Map<String, Map<String, String>> answer = http.get()
					.uri("/")
					.retrieve()
					.body(new ParameterizedTypeReference<>() {
					});
				assertThat(answer.get("greeting-service")).containsEntry("greeting", "Hello, etcd!");
				authInstances.add(answer.get("auth-service").get("instance"));
			}
			assertThat(authInstances).containsExactlyInAnyOrder("auth-service-127.0.0.1-" + port(auth1),
					"auth-service-127.0.0.1-" + port(auth2));
		}
	}

	private static ConfigurableApplicationContext run(String role, String... args) {
		List<String> all = new ArrayList<>(List.of("--etcd.endpoints=" + etcd.cluster().endpointsProperty()));
		all.addAll(List.of(args));
		return new SpringApplicationBuilder(ServiceDiscoverySample.class).profiles(role)
			.properties("spring.main.banner-mode=off")
			.run(all.toArray(String[]::new));
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

}
