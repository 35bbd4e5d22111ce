package io.github.etcdconfig.refresh;

import io.github.etcdconfig.config.EtcdConfigStores;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.cloud.logging.LoggingRebinder;
import org.springframework.context.annotation.Bean;

/**
 * The {@link EtcdLoggingRebinder}, in place of Spring Cloud's {@link LoggingRebinder}:
 * before {@link RefreshAutoConfiguration}, whose own backs off when one exists, and under
 * the same conditions.
 */
@AutoConfiguration(before = RefreshAutoConfiguration.class)
@ConditionalOnClass(RefreshScope.class)
@ConditionalOnProperty(name = "spring.cloud.refresh.enabled", matchIfMissing = true)
@ConditionalOnBean(name = EtcdConfigStores.BEAN_NAME)
public class EtcdLoggingRebinderAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(LoggingRebinder.class)
	static EtcdLoggingRebinder etcdLoggingRebinder(ObjectProvider<EtcdPlaceholderDependencies> dependencies) {
		return new EtcdLoggingRebinder(dependencies);
	}

}
