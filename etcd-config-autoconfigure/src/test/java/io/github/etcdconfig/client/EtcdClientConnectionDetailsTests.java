package io.github.etcdconfig.client;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@link EtcdConnectionDetails} bean, such as the one {@code @ServiceConnection} makes
 * from a container, decides where the {@link Client} bean connects, whatever
 * {@code etcd.endpoints} says.
 */
class EtcdClientConnectionDetailsTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@Test
	void theClientBeanConnectsWhereTheConnectionDetailsBeanPoints() throws Exception {
		try (Client writer = etcd.cluster().newClient()) {
			new EtcdKeys(writer).put("/services/orders", "10.0.0.7:8080");
		}
		try (ConfigurableApplicationContext context = Apps
			.builder(new Class<?>[] { ConnectionDetailsConfiguration.class }, "etcd.config.enabled=false",
					"etcd.endpoints=" + unusedEndpoint())
			.run()) {
			List<KeyValue> found = EtcdKeys
				.await(context.getBean(Client.class).getKVClient().get(EtcdKeys.bytes("/services/orders")))
				.getKvs();
			assertThat(found).singleElement()
				.extracting((kv) -> kv.getValue().toString(StandardCharsets.UTF_8))
				.isEqualTo("10.0.0.7:8080");
		}
	}

	static String unusedEndpoint() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return "http://127.0.0.1:" + socket.getLocalPort();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class ConnectionDetailsConfiguration {

		@Bean
		EtcdConnectionDetails etcdConnectionDetails() {
			List<URI> endpoints = etcd.cluster().clientEndpoints();
			return () -> endpoints;
		}

	}

}
