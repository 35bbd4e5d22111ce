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
import org.springframework.cloud.client.serviceregistry.ServiceRegistryAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The {@link EtcdServiceRegistry}, which Spring Cloud's auto-registration and
 * service-registry actuator endpoint use.
 * {@code spring.cloud.service-registry.enabled=false} turns it off, as for any registry.
 */
@AutoConfiguration(after = EtcdClientAutoConfiguration.class, before = ServiceRegistryAutoConfiguration.class)
@ConditionalOnClass(Client.class)
@ConditionalOnBean(Client.class)
@ConditionalOnProperty(value = "spring.cloud.service-registry.enabled", matchIfMissing = true)
@ConditionalOnProperty(prefix = EtcdDiscoveryProperties.PREFIX, name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties({ EtcdProperties.class, EtcdDiscoveryProperties.class })
public class EtcdServiceRegistryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EtcdServiceRegistry etcdServiceRegistry(Client client, EtcdDiscoveryProperties properties, EtcdProperties etcd) {
		return new EtcdServiceRegistry(client, properties, etcd.getRequestTimeout());
	}

}
