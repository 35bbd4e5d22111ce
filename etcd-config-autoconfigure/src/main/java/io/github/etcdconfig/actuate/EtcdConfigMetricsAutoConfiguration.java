package io.github.etcdconfig.actuate;

import io.github.etcdconfig.refresh.EtcdConfigRefreshAutoConfiguration;
import io.github.etcdconfig.refresh.EtcdConfigRefresher;
import io.github.etcdconfig.refresh.EtcdConfigWatchers;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters of the live configuration, when Micrometer is present, a
 * {@link MeterRegistry} is set up and etcd is watched. Spring Boot binds the
 * {@link EtcdConfigMetrics} to the registry.
 */
@AutoConfiguration(after = { MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
		EtcdConfigRefreshAutoConfiguration.class })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, EtcdConfigWatchers.class })
public class EtcdConfigMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EtcdConfigMetrics etcdConfigMetrics(EtcdConfigWatchers watchers, ObjectProvider<EtcdConfigRefresher> refresher) {
		return new EtcdConfigMetrics(watchers, refresher.getIfUnique());
	}

}
