package io.github.etcdconfig.lock;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.client.EtcdClientAutoConfiguration;
import io.github.etcdconfig.client.EtcdProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * Distributed locks on etcd: {@link EtcdLocks} always, and an {@link EtcdLockRegistry}
 * when Spring Integration is on the classpath and the application has no other
 * {@link LockRegistry}.
 */
@AutoConfiguration(after = EtcdClientAutoConfiguration.class)
@ConditionalOnClass(Client.class)
@ConditionalOnBean(Client.class)
@ConditionalOnProperty(prefix = EtcdLockProperties.PREFIX, name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties({ EtcdProperties.class, EtcdLockProperties.class })
public class EtcdLockAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EtcdLocks etcdLocks(Client client, EtcdLockProperties properties, EtcdProperties etcd) {
		return new EtcdLocks(client, properties, etcd.getRequestTimeout());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(LockRegistry.class)
	static class IntegrationLockRegistryConfiguration {

		@Bean
		@ConditionalOnMissingBean(LockRegistry.class)
		EtcdLockRegistry etcdLockRegistry(EtcdLocks locks) {
			return new EtcdLockRegistry(locks);
		}

	}

}
