package io.github.etcdconfig.discovery;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An {@code @LoadBalanced} RestClient calls services by their registered name.
 */
class EtcdLoadBalancerTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	static ConfigurableApplicationContext client;

	@BeforeAll
	static void start() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		client = Apps.run(etcd.cluster(), new Class<?>[] { Caller.class }, "spring.application.name=caller");
	}

	@AfterAll
	static void stop() {
		client.close();
		keys.close();
	}

	@Test
	void aLoadBalancedRestClientReachesARegisteredInstanceByServiceName() {
		try (ConfigurableApplicationContext auth = Apps.web(etcd.cluster(), "auth-service",
				new Class<?>[] { Hello.class })) {
			awaitInstances("auth-service", 1);
			assertThat(call("http://auth-service/hello")).isEqualTo("hello from " + port(auth));
		}
	}

	@Test
	void callsAreSpreadOverEveryRegisteredInstance() {
		try (ConfigurableApplicationContext one = Apps.web(etcd.cluster(), "spread", new Class<?>[] { Hello.class });
				ConfigurableApplicationContext two = Apps.web(etcd.cluster(), "spread",
						new Class<?>[] { Hello.class })) {
			awaitInstances("spread", 2);
			Set<String> answers = new HashSet<>();
			for (int i = 0; i < 4; i++) {
				answers.add(call("http://spread/hello"));
			}
			assertThat(answers).containsExactlyInAnyOrder("hello from " + port(one), "hello from " + port(two));
		}
	}

	@Test
	void anInstanceRegisteredByAnotherLanguageInTheSeedsFormIsCallable() {
		try (ConfigurableApplicationContext node = Apps.web(etcd.cluster(), "node-service",
				new Class<?>[] { Hello.class }, "spring.cloud.service-registry.auto-registration.enabled=false")) {
			keys.put("/services/node-service/node-1",
					"{\"endpoint\":\"http://127.0.0.1:" + port(node) + "\",\"status\":\"healthy\"}");
			awaitInstances("node-service", 1);
			assertThat(call("http://node-service/hello")).isEqualTo("hello from " + port(node));
		}
		finally {
			keys.delete("/services/node-service/node-1");
		}
	}

	private static String call(String url) {
		return client.getBean(RestClient.Builder.class).build().get().uri(url).retrieve().body(String.class);
	}

	private static void awaitInstances(String service, int count) {
		DiscoveryClient discovery = client.getBean(DiscoveryClient.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> discovery.getInstances(service).size() == count);
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	static class Caller {

		@Bean
		@LoadBalanced
		RestClient.Builder loadBalancedRestClientBuilder() {
			return RestClient.builder();
		}

	}

	@RestController
	static class Hello {

		private final WebServerApplicationContext context;

		Hello(WebServerApplicationContext context) {
			this.context = context;
		}

		@GetMapping("/hello")
		String hello() {
			return "hello from " + this.context.getWebServer().getPort();
		}

	}

}
