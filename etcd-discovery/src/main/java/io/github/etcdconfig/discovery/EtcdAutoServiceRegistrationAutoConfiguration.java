package io.github.etcdconfig.discovery;

import java.util.function.Supplier;

import io.github.etcdconfig.config.EtcdConfigStores;
import io.github.etcdconfig.refresh.EtcdConfigWatchers;
import io.github.etcdconfig.verify.EtcdProposalWatcher;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationAutoConfiguration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationProperties;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Registers this application in etcd when it starts, and deregisters it when it stops.
 * Follows Spring Cloud's {@code spring.cloud.service-registry.auto-registration.*}
 * settings. When the application loads configuration from etcd, its registration also
 * reports the configuration it has applied ({@link EtcdConfigStatusReporter}); with
 * actuator's health endpoint, it publishes the aggregate health
 * ({@link EtcdHealthReporter}).
 */
@AutoConfiguration(
		after = { AutoServiceRegistrationAutoConfiguration.class, EtcdServiceRegistryAutoConfiguration.class,
				UtilAutoConfiguration.class },
		afterName = "org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration")
@ConditionalOnBean({ AutoServiceRegistrationProperties.class, EtcdServiceRegistry.class })
@ConditionalOnProperty(value = "spring.cloud.service-registry.auto-registration.enabled", matchIfMissing = true)
public class EtcdAutoServiceRegistrationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EtcdRegistration etcdRegistration(EtcdDiscoveryProperties properties, Environment environment,
			ObjectProvider<InetUtils> inetUtils) {
		String serviceId = (properties.getServiceName() != null) ? properties.getServiceName()
				: environment.getProperty("spring.application.name");
		return new EtcdRegistration(serviceId, properties.getInstanceId(),
				host(properties, () -> inetUtils.getIfAvailable(() -> new InetUtils(new InetUtilsProperties()))),
				(properties.getPort() != null) ? properties.getPort() : 0, properties.isSecure(),
				properties.getMetadata(), properties.getStatus());
	}

	@Bean
	@ConditionalOnMissingBean
	EtcdAutoServiceRegistration etcdAutoServiceRegistration(ApplicationContext context, EtcdServiceRegistry registry,
			AutoServiceRegistrationProperties autoRegistration, EtcdRegistration registration,
			EtcdDiscoveryProperties properties, ObjectProvider<EtcdConfigStatusReporter> reporter) {
		return new EtcdAutoServiceRegistration(context, registry, autoRegistration, registration, properties,
				reporter.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(name = EtcdConfigStores.BEAN_NAME)
	EtcdConfigStatusReporter etcdConfigStatusReporter(EtcdServiceRegistry registry, EtcdRegistration registration,
			@Qualifier(EtcdConfigStores.BEAN_NAME) EtcdConfigStores stores, ObjectProvider<EtcdConfigWatchers> watchers,
			EtcdDiscoveryProperties properties, ObjectProvider<EtcdProposalWatcher> proposals) {
		return new EtcdConfigStatusReporter(registry, registration, stores, watchers,
				properties.getConfigStatusInterval(), proposals.getIfAvailable() != null);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthEndpoint.class)
	static class HealthReporterConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(HealthEndpoint.class)
		EtcdHealthReporter etcdHealthReporter(EtcdServiceRegistry registry, EtcdRegistration registration,
				HealthEndpoint health, EtcdDiscoveryProperties properties) {
			return new EtcdHealthReporter(registry, registration, health, properties.getHealthInterval());
		}

	}

	private static String host(EtcdDiscoveryProperties properties, Supplier<InetUtils> inetUtils) {
		if (properties.isPreferIpAddress()) {
			return (properties.getIpAddress() != null) ? properties.getIpAddress()
					: inetUtils.get().findFirstNonLoopbackHostInfo().getIpAddress();
		}
		return (properties.getHost() != null) ? properties.getHost()
				: inetUtils.get().findFirstNonLoopbackHostInfo().getHostname();
	}

}
