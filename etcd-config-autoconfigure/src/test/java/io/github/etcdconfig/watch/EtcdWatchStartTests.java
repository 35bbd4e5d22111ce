package io.github.etcdconfig.watch;

import java.time.Duration;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The watch starts at the loaded revision + 1: nothing written while the application
 * starts is missed.
 */
class EtcdWatchStartTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@Test
	void aChangeMadeBetweenTheLoadAndTheWatchIsDelivered() {
		EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config/startup/marker", "before-start");
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(),
				new Class<?>[] { WritesWhileStarting.class })) {
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(context.getEnvironment().getProperty("startup.marker"))
					.isEqualTo("written-while-starting"));
		}
		finally {
			keys.client().close();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class WritesWhileStarting {

		// Created after the load and before the watch starts.
		@Bean
		String startupWrite(Client client) {
			new EtcdKeys(client).put("/config/startup/marker", "written-while-starting");
			return "done";
		}

	}

}
