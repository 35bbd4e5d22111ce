package io.github.etcdconfig.client;

import java.util.List;

import io.etcd.jetcd.Client;

/**
 * Makes the jetcd {@link Client}s the starter uses. {@link #standard(List)} is the one
 * place that knows jetcd's builder, so the configuration loader and the {@code Client}
 * bean connect the same way; an application can replace the loader's factory with
 * {@code EtcdBootstrapper.create().withClientFactory(...)}.
 */
@FunctionalInterface
public interface EtcdClientFactory {

	/**
	 * Create a client.
	 * @param connection where etcd is and how to authenticate
	 * @param settings namespace, authority and timeouts
	 * @return a new client, to be closed by the caller
	 */
	Client create(EtcdConnectionDetails connection, EtcdProperties settings);

	/**
	 * The factory that builds clients from the settings, then applies customizers.
	 * @param customizers applied to each builder in this order, after the settings
	 * @return the factory
	 */
	static EtcdClientFactory standard(List<? extends EtcdClientBuilderCustomizer> customizers) {
		return new StandardEtcdClientFactory(customizers);
	}

}
