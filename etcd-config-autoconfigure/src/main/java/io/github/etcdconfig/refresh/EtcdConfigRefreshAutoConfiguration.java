package io.github.etcdconfig.refresh;

import io.github.etcdconfig.client.EtcdProperties;
import io.github.etcdconfig.config.EtcdConfigProperties;
import io.github.etcdconfig.config.EtcdConfigStores;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration.RefreshProperties;
import org.springframework.cloud.context.properties.ConfigurationPropertiesBeans;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Live refresh from etcd: a watcher per loaded etcd source and the refresher that applies
 * its changes in place. Active when configuration was loaded from etcd at start-up.
 */
@AutoConfiguration(before = ConfigurationPropertiesRebinderAutoConfiguration.class,
		after = RefreshAutoConfiguration.class)
@ConditionalOnBean(name = EtcdConfigStores.BEAN_NAME)
@EnableConfigurationProperties({ EtcdProperties.class, EtcdConfigProperties.class })
public class EtcdConfigRefreshAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EtcdPlaceholderDependencies etcdPlaceholderDependencies(ConfigurableEnvironment environment) {
		return new EtcdPlaceholderDependencies(environment);
	}

	/**
	 * Replaces Spring Cloud's rebinder, which would rebind every bean after resetting it
	 * to its defaults.
	 */
	@Bean
	@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
	ConfigurationPropertiesRebinder configurationPropertiesRebinder(ConfigurationPropertiesBeans beans,
			ObjectProvider<RefreshProperties> refreshProperties, EtcdPlaceholderDependencies dependencies) {
		return new EtcdConfigurationPropertiesRebinder(beans, refreshProperties.getIfAvailable(RefreshProperties::new),
				dependencies);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(prefix = EtcdConfigProperties.PREFIX + ".refresh", name = "update-values",
			matchIfMissing = true)
	static EtcdValueUpdater etcdValueUpdater(ObjectProvider<EtcdPlaceholderDependencies> dependencies) {
		return new EtcdValueUpdater(dependencies);
	}

	@Bean
	@ConditionalOnMissingBean(EtcdConfigChangeListener.class)
	EtcdConfigRefresher etcdConfigRefresher(ConfigurableApplicationContext context,
			EtcdPlaceholderDependencies dependencies, ObjectProvider<RefreshScope> refreshScope,
			ObjectProvider<ObservationRegistry> observationRegistry) {
		return new EtcdConfigRefresher(context, dependencies, refreshScope,
				observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(prefix = EtcdConfigProperties.PREFIX + ".watch", name = "enabled", matchIfMissing = true)
	EtcdConfigWatchers etcdConfigWatchers(EtcdConfigStores stores, EtcdConfigChangeListener listener) {
		return new EtcdConfigWatchers(stores, listener);
	}

}
