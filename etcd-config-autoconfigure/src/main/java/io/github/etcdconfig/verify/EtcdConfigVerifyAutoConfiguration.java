package io.github.etcdconfig.verify;

import io.github.etcdconfig.config.EtcdConfigStores;
import io.github.etcdconfig.refresh.EtcdConfigRefreshAutoConfiguration;
import io.github.etcdconfig.refresh.EtcdPlaceholderDependencies;
import io.github.etcdconfig.refresh.EtcdValueUpdater;
import io.github.etcdconfig.refresh.EtcdConfigWatchers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Verified releases: the watch of the proposals prefix and the evaluator that judges each
 * proposal against this instance's beans. Active when configuration is loaded from etcd
 * and watched, unless {@code etcd.config.verify.enabled=false}.
 */
@AutoConfiguration(after = EtcdConfigRefreshAutoConfiguration.class)
@ConditionalOnBean({ EtcdConfigWatchers.class, EtcdPlaceholderDependencies.class })
@ConditionalOnProperty(prefix = EtcdVerifyProperties.PREFIX, name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(EtcdVerifyProperties.class)
public class EtcdConfigVerifyAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EtcdProposalEvaluator etcdProposalEvaluator(EtcdConfigStores stores, ConfigurableEnvironment environment,
			EtcdPlaceholderDependencies dependencies, ObjectProvider<ConfigurationPropertiesRebinder> rebinder,
			ObjectProvider<EtcdValueUpdater> valueUpdater, EtcdVerifyProperties properties) {
		return new EtcdProposalEvaluator(stores, environment, dependencies, rebinder, valueUpdater, properties);
	}

	@Bean
	@ConditionalOnMissingBean
	EtcdProposalWatcher etcdProposalWatcher(EtcdConfigStores stores, EtcdProposalEvaluator evaluator,
			ApplicationEventPublisher publisher, EtcdVerifyProperties properties) {
		return new EtcdProposalWatcher(stores.getStores().get(0), evaluator, publisher, properties);
	}

}
