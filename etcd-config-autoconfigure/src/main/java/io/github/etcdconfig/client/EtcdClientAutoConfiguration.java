package io.github.etcdconfig.client;

import java.util.List;

import io.etcd.jetcd.Client;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.util.StringUtils;

/**
 * A jetcd {@link Client} for the application's own use (the seed's direct put, get and
 * watch), from the same {@code etcd.*} settings as the configuration loader, with every
 * {@link EtcdClientBuilderCustomizer} bean applied. Without customizer beans and when the
 * settings match, it is the loader's own client, so the application holds one connection
 * to etcd.
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnClass(Client.class)
@EnableConfigurationProperties(EtcdProperties.class)
public class EtcdClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EtcdConnectionDetails etcdConnectionDetails(EtcdProperties properties, ObjectProvider<SslBundles> sslBundles) {
		String bundle = properties.getSsl().getBundle();
		return new PropertiesEtcdConnectionDetails(properties,
				StringUtils.hasText(bundle) ? sslBundles.getObject().getBundle(bundle) : null);
	}

	@Bean
	@ConditionalOnMissingBean
	Client etcdClient(EtcdConnectionDetails connection, EtcdProperties properties,
			ObjectProvider<EtcdClientBuilderCustomizer> customizers, ObjectProvider<EtcdSharedClients> shared) {
		List<EtcdClientBuilderCustomizer> ordered = customizers.orderedStream().toList();
		// The loader's client was built before the context, without these customizers:
		// sharing it would skip them.
		if (ordered.isEmpty() && connection instanceof PropertiesEtcdConnectionDetails) {
			EtcdSharedClients clients = shared.getIfAvailable();
			Client loaders = (clients != null) ? clients.findClient(properties) : null;
			if (loaders != null) {
				// Closing a jetcd client twice is harmless, so both owners may close it.
				return loaders;
			}
		}
		return EtcdClientFactory.standard(ordered).create(connection, properties);
	}

}
