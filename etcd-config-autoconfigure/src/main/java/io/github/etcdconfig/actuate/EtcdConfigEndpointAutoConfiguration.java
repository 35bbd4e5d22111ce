package io.github.etcdconfig.actuate;

import io.github.etcdconfig.refresh.EtcdConfigRefreshAutoConfiguration;
import io.github.etcdconfig.refresh.EtcdConfigRefresher;
import io.github.etcdconfig.refresh.EtcdConfigWatchers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The {@code etcdconfig} actuator endpoint, when the actuator is present, the endpoint is
 * available (exposed and not disabled) and etcd is watched.
 */
@AutoConfiguration(after = EtcdConfigRefreshAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnAvailableEndpoint(EtcdConfigEndpoint.class)
@ConditionalOnBean(EtcdConfigWatchers.class)
@EnableConfigurationProperties(EtcdConfigEndpointProperties.class)
public class EtcdConfigEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EtcdConfigEndpoint etcdConfigEndpoint(EtcdConfigWatchers watchers, ObjectProvider<EtcdConfigRefresher> refresher,
			ConfigurableEnvironment environment, ObjectProvider<SanitizingFunction> sanitizingFunctions,
			EtcdConfigEndpointProperties properties) {
		return new EtcdConfigEndpoint(watchers, refresher.getIfAvailable(), environment,
				sanitizingFunctions.orderedStream().toList(), properties.getShowValues(), properties.getRoles());
	}

}
