package io.github.etcdconfig.actuate;

import io.github.etcdconfig.refresh.EtcdConfigRefreshAutoConfiguration;
import io.github.etcdconfig.refresh.EtcdConfigRefresher;
import io.github.etcdconfig.refresh.EtcdConfigWatchers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code etcdConfig} health indicator, when Spring Boot's health support is present
 * and etcd is watched. Disabled with {@code management.health.etcdconfig.enabled=false}.
 */
@AutoConfiguration(before = HealthContributorAutoConfiguration.class, after = EtcdConfigRefreshAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(EtcdConfigWatchers.class)
@ConditionalOnEnabledHealthIndicator("etcdconfig")
@EnableConfigurationProperties(EtcdConfigHealthProperties.class)
public class EtcdConfigHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "etcdConfigHealthIndicator")
	EtcdConfigHealthIndicator etcdConfigHealthIndicator(EtcdConfigWatchers watchers,
			EtcdConfigHealthProperties properties, ObjectProvider<EtcdConfigRefresher> refresher) {
		return new EtcdConfigHealthIndicator(watchers, properties.getDownAfter(), refresher.getIfUnique());
	}

}
