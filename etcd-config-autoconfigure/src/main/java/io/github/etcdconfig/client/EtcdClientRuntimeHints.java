package io.github.etcdconfig.client;

import java.util.List;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * What {@link EtcdConnectivity} reaches by reflection inside jetcd 0.8, for a native
 * image: the client's connection manager and its gRPC channel. Without these hints it
 * finds nothing and gRPC's own reconnect backoff applies.
 */
class EtcdClientRuntimeHints implements RuntimeHintsRegistrar {

	static final String CLIENT = "io.etcd.jetcd.impl.ClientImpl";

	static final String CONNECTION_MANAGER = "io.etcd.jetcd.impl.ClientConnectionManager";

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		hints.reflection()
			.registerTypeIfPresent(classLoader, CLIENT, (type) -> type.withField("connectionManager"))
			.registerTypeIfPresent(classLoader, CONNECTION_MANAGER,
					(type) -> type.withMethod("getChannel", List.<TypeReference>of(), ExecutableMode.INVOKE));
	}

}
