package io.github.etcdconfig.client;

import io.etcd.jetcd.Client;

/**
 * Clients the starter made before the application context existed (the configuration
 * loader's), offered to the {@code Client} bean: when the settings match, the application
 * then holds one connection to etcd. Lets this package share a client without knowing who
 * made it.
 */
@FunctionalInterface
public interface EtcdSharedClients {

	/**
	 * A client that connects exactly as the settings say.
	 * @param settings the settings of the client wanted
	 * @return the client, or {@code null} when there is none
	 */
	Client findClient(EtcdProperties settings);

}
