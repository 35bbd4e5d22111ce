package io.github.etcdconfig.discovery;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.ReactiveCommonsClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClientAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The {@link EtcdReactiveDiscoveryClient}, when Reactor is on the classpath. Spring
 * Cloud's {@code @ConditionalOnReactiveDiscoveryEnabled} would also require WebFlux's
 * WebClient; this client needs Reactor only, so the same property is checked here without
 * that requirement.
 */
@AutoConfiguration(after = EtcdDiscoveryAutoConfiguration.class,
		before = { SimpleReactiveDiscoveryClientAutoConfiguration.class, ReactiveCommonsClientAutoConfiguration.class })
@ConditionalOnClass(name = "reactor.core.publisher.Flux")
@ConditionalOnDiscoveryEnabled
@ConditionalOnProperty(value = "spring.cloud.discovery.reactive.enabled", matchIfMissing = true)
@ConditionalOnBean(EtcdServiceInstances.class)
public class EtcdReactiveDiscoveryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EtcdReactiveDiscoveryClient etcdReactiveDiscoveryClient(EtcdServiceInstances instances) {
		return new EtcdReactiveDiscoveryClient(instances);
	}

}
