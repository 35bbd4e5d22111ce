package io.github.etcdconfig.actuate;

import io.github.etcdconfig.config.EtcdConfigStores;
import io.github.etcdconfig.refresh.EtcdConfigWatchers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The actuator, health and Micrometer dependencies are optional: without them the
 * operator auto-configurations back off instead of failing. A condition test (each hides
 * the class its auto-configuration checks): no etcd needed.
 */
class EtcdConfigOptionalDependenciesTests {

	final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EtcdConfigHealthContributorAutoConfiguration.class,
				EtcdConfigEndpointAutoConfiguration.class, EtcdConfigMetricsAutoConfiguration.class))
		.withBean(EtcdConfigWatchers.class,
				() -> new EtcdConfigWatchers(EtcdConfigStores.get(new DefaultBootstrapContext()), (store, update) -> {
				}))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues("management.endpoints.web.exposure.include=etcdconfig");

	@Test
	void everyOperatorBeanIsThereWithTheClasses() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(EtcdConfigHealthIndicator.class)
			.hasSingleBean(EtcdConfigEndpoint.class)
			.hasSingleBean(EtcdConfigMetrics.class));
	}

	@Test
	void noneIsThereAndNothingFailsWithoutThem() {
		this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class, HealthIndicator.class, MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(EtcdConfigHealthIndicator.class)
				.doesNotHaveBean(EtcdConfigEndpoint.class)
				.doesNotHaveBean(EtcdConfigMetrics.class));
	}

}
