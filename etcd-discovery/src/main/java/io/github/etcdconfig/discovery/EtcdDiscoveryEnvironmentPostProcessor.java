package io.github.etcdconfig.discovery;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns Spring Cloud LoadBalancer's instance cache off by default, with the lowest
 * precedence so any setting wins. The etcd discovery client already answers from a
 * watched in-memory cache; LoadBalancer's would keep calling an instance for up to 35 s
 * after etcd reported it gone.
 */
public class EtcdDiscoveryEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String SOURCE_NAME = "etcdDiscoveryDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		boolean enabled = environment.getProperty(EtcdDiscoveryProperties.PREFIX + ".enabled", Boolean.class, true);
		if (enabled && !environment.getPropertySources().contains(SOURCE_NAME)) {
			Map<String, Object> defaults = Map.of("spring.cloud.loadbalancer.cache.enabled", "false");
			environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
