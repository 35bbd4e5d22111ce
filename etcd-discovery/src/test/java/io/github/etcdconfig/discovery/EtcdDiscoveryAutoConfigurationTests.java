package io.github.etcdconfig.discovery;

import java.util.Map;

import io.github.etcdconfig.client.EtcdClientAutoConfiguration;
import io.github.etcdconfig.lock.EtcdLockAutoConfiguration;
import io.github.etcdconfig.lock.EtcdLockRegistry;
import io.github.etcdconfig.lock.EtcdLocks;
import io.github.etcdconfig.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.support.locks.LockRegistry;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which beans the module contributes, and how settings and the classpath switch them.
 */
class EtcdDiscoveryAutoConfigurationTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EtcdClientAutoConfiguration.class, UtilAutoConfiguration.class,
				AutoServiceRegistrationAutoConfiguration.class, EtcdDiscoveryAutoConfiguration.class,
				EtcdReactiveDiscoveryAutoConfiguration.class, EtcdServiceRegistryAutoConfiguration.class,
				EtcdAutoServiceRegistrationAutoConfiguration.class, EtcdLockAutoConfiguration.class))
		.withPropertyValues("etcd.endpoints=" + etcd.cluster().endpointsProperty(), "spring.application.name=shop");

	@Test
	void registrationDiscoveryAndLocksAreProvidedByDefault() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(EtcdServiceRegistry.class)
			.hasSingleBean(EtcdAutoServiceRegistration.class)
			.hasSingleBean(EtcdDiscoveryClient.class)
			.hasSingleBean(EtcdReactiveDiscoveryClient.class)
			.hasSingleBean(EtcdLocks.class)
			.hasSingleBean(EtcdLockRegistry.class));
	}

	@Test
	void etcdDiscoveryDisabledLeavesOnlyTheLocks() {
		this.runner.withPropertyValues("etcd.discovery.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EtcdServiceInstances.class)
				.doesNotHaveBean(DiscoveryClient.class)
				.doesNotHaveBean(EtcdServiceRegistry.class)
				.doesNotHaveBean(EtcdAutoServiceRegistration.class)
				.hasSingleBean(EtcdLocks.class));
	}

	@Test
	void springCloudsSwitchesApply() {
		this.runner.withPropertyValues("spring.cloud.discovery.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DiscoveryClient.class)
				.hasSingleBean(EtcdServiceRegistry.class));
		this.runner.withPropertyValues("spring.cloud.discovery.reactive.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(EtcdDiscoveryClient.class)
				.doesNotHaveBean(EtcdReactiveDiscoveryClient.class));
		this.runner.withPropertyValues("spring.cloud.service-registry.auto-registration.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(EtcdServiceRegistry.class)
				.doesNotHaveBean(EtcdAutoServiceRegistration.class));
	}

	@Test
	void withoutReactorThereIsNoReactiveClientAndWithoutSpringIntegrationNoLockRegistry() {
		this.runner.withClassLoader(new FilteredClassLoader(Flux.class, LockRegistry.class))
			.run((context) -> assertThat(context).hasSingleBean(EtcdDiscoveryClient.class)
				.doesNotHaveBean(EtcdReactiveDiscoveryClient.class)
				.hasSingleBean(EtcdLocks.class)
				.doesNotHaveBean(EtcdLockRegistry.class));
	}

	@Test
	void locksCanBeTurnedOff() {
		this.runner.withPropertyValues("etcd.lock.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EtcdLocks.class)
				.doesNotHaveBean(EtcdLockRegistry.class));
	}

	@Test
	void anApplicationsOwnRegistrationReplacesTheDefaultOne() {
		this.runner.withUserConfiguration(OwnRegistration.class)
			.run((context) -> assertThat(context.getBean(EtcdRegistration.class).getInstanceId()).isEqualTo("own-1"));
	}

	@Test
	void theRegistrationDescribesThisInstanceFromTheSettings() {
		this.runner
			.withPropertyValues("etcd.discovery.service-name=orders", "etcd.discovery.ip-address=10.1.2.3",
					"etcd.discovery.prefer-ip-address=true", "etcd.discovery.port=8443", "etcd.discovery.secure=true",
					"etcd.discovery.metadata.zone=eu-1")
			.run((context) -> {
				EtcdRegistration registration = context.getBean(EtcdRegistration.class);
				assertThat(registration.getServiceId()).isEqualTo("orders");
				assertThat(registration.getInstanceId()).isEqualTo("orders-10.1.2.3-8443");
				assertThat(registration.getUri()).hasToString("https://10.1.2.3:8443");
				assertThat(registration.getMetadata()).isEqualTo(Map.of("zone", "eu-1"));
				assertThat(registration.getStatus()).isEqualTo("healthy");
			});
	}

	@Test
	void invalidSettingsFailStartUpNamingTheSetting() {
		this.runner.withPropertyValues("etcd.discovery.prefix=services")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("etcd.discovery.prefix 'services' must start and end with '/'"));
		this.runner.withPropertyValues("etcd.discovery.ttl=3s", "etcd.discovery.heartbeat-interval=3s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("etcd.discovery.heartbeat-interval must be positive and shorter than"));
		this.runner.withPropertyValues("etcd.lock.ttl=500ms")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("etcd.lock.ttl must be at least 1s"));
	}

	@Test
	void loadBalancersOwnInstanceCacheIsOffUnlessConfigured() {
		MockEnvironment environment = new MockEnvironment();
		new EtcdDiscoveryEnvironmentPostProcessor().postProcessEnvironment(environment, null);
		assertThat(environment.getProperty("spring.cloud.loadbalancer.cache.enabled")).isEqualTo("false");

		MockEnvironment configured = new MockEnvironment().withProperty("spring.cloud.loadbalancer.cache.enabled",
				"true");
		new EtcdDiscoveryEnvironmentPostProcessor().postProcessEnvironment(configured, null);
		assertThat(configured.getProperty("spring.cloud.loadbalancer.cache.enabled")).isEqualTo("true");
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnRegistration {

		@Bean
		EtcdRegistration ownRegistration() {
			return new EtcdRegistration("shop", "own-1", "127.0.0.1", 8080, false, Map.of(), "UP");
		}

	}

}
