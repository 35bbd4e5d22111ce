package io.github.etcdconfig.discovery;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.client.EtcdClientAutoConfiguration;
import io.github.etcdconfig.client.EtcdProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.CommonsClientAutoConfiguration;
import org.springframework.cloud.client.ConditionalOnBlockingDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Discovery from etcd: the watched cache of the registry and the blocking
 * {@link EtcdDiscoveryClient}, which Spring Cloud's composite client and LoadBalancer
 * pick up.
 */
@AutoConfiguration(after = EtcdClientAutoConfiguration.class,
		before = { SimpleDiscoveryClientAutoConfiguration.class, CommonsClientAutoConfiguration.class })
@ConditionalOnClass(Client.class)
@ConditionalOnBean(Client.class)
@ConditionalOnDiscoveryEnabled
@ConditionalOnProperty(prefix = EtcdDiscoveryProperties.PREFIX, name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties({ EtcdProperties.class, EtcdDiscoveryProperties.class })
public class EtcdDiscoveryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EtcdServiceInstances etcdServiceInstances(Client client, EtcdDiscoveryProperties properties, EtcdProperties etcd,
			ApplicationEventPublisher publisher) {
		return new EtcdServiceInstances(client, properties, etcd.getRequestTimeout(), publisher);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBlockingDiscoveryEnabled
	static class BlockingDiscoveryClientConfiguration {

		@Bean
		@ConditionalOnMissingBean
		EtcdDiscoveryClient etcdDiscoveryClient(EtcdServiceInstances instances) {
			return new EtcdDiscoveryClient(instances);
		}

	}

}
