package io.github.etcdconfig.samples.discovery;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * Calls both services by name: http://auth-service/... is resolved by Spring Cloud
 * LoadBalancer from the instances registered in etcd, round robin.
 */
@Configuration(proxyBeanMethods = false)
@Profile("client")
class Client {

	private static final ParameterizedTypeReference<Map<String, String>> JSON = new ParameterizedTypeReference<>() {
	};

	@Bean
	@LoadBalanced
	RestClient.Builder loadBalancedRestClientBuilder() {
		return RestClient.builder();
	}

	@RestController
	@Profile("client")
	static class Calls {

		private final RestClient services;

		Calls(RestClient.Builder loadBalanced) {
			this.services = loadBalanced.build();
		}

		@GetMapping("/")
		Map<String, Object> callBoth() {
			Map<String, Object> answers = new LinkedHashMap<>();
			answers.put("auth-service", this.services.get().uri("http://auth-service/token").retrieve().body(JSON));
			answers.put("greeting-service",
					this.services.get().uri("http://greeting-service/greeting?name=etcd").retrieve().body(JSON));
			return answers;
		}

	}

}
