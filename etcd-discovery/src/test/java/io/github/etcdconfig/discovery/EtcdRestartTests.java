package io.github.etcdconfig.discovery;

import java.time.Duration;
import java.util.List;

import io.etcd.jetcd.KeyValue;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMember;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * etcd goes down for longer than the TTL and comes back: every instance registers again
 * on its own.
 */
class EtcdRestartTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@Test
	void afterEtcdIsKilledAndRestartedEveryInstanceIsRegisteredAndDiscoveredAgain() {
		try (ConfigurableApplicationContext one = instance(9501); ConfigurableApplicationContext two = instance(9502)) {
			DiscoveryClient discovery = one.getBean(DiscoveryClient.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> discovery.getInstances("restarting").size() == 2);

			EtcdMember member = etcd.cluster().member(0);
			member.kill();
			// Down longer than the TTL: both registrations consider their leases lost.
			await().atMost(Duration.ofSeconds(15)).until(() -> !registered(one) && !registered(two));
			member.start();

			await().atMost(Duration.ofSeconds(20)).until(() -> registered(one) && registered(two));
			try (EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient())) {
				List<KeyValue> entries = keys.keyValues("/services/restarting/");
				assertThat(entries).hasSize(2);
				assertThat(entries).allSatisfy((entry) -> assertThat(keys.ttl(entry.getLease())).isPositive());
			}
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(
						() -> assertThat(discovery.getInstances("restarting")).extracting(ServiceInstance::getPort)
							.containsExactly(9501, 9502));
		}
	}

	private static ConfigurableApplicationContext instance(int port) {
		return Apps.run(etcd.cluster(), "spring.application.name=restarting", "etcd.discovery.port=" + port,
				"etcd.discovery.ttl=2s");
	}

	private static boolean registered(ConfigurableApplicationContext app) {
		return app.getBean(EtcdServiceRegistry.class).isRegistered(app.getBean(EtcdRegistration.class));
	}

}
