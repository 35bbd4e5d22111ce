package io.github.etcdconfig.discovery;

import java.time.Duration;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.support.ChildMain;
import io.github.etcdconfig.test.ChildJvm;
import io.github.etcdconfig.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance that dies without deregistering (SIGKILL, power loss) leaves discovery when
 * its lease expires.
 */
class EtcdDiscoveryCrashTests {

	private static final Duration TTL = Duration.ofSeconds(2);

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@Test
	void anInstanceKilledWithSigkillIsGoneFromDiscoveryOnceItsLeaseExpires() {
		// The child JVM starts while this one starts the observer.
		try (ChildJvm instance = ChildJvm.start(ChildMain.class, "register", etcd.cluster().endpointsProperty(),
				"crash-service", "9401", TTL.toSeconds() + "s");
				ConfigurableApplicationContext observer = Apps.run(etcd.cluster(),
						"spring.cloud.service-registry.auto-registration.enabled=false")) {
			instance.awaitLine("REGISTERED", Duration.ofSeconds(30));
			DiscoveryClient discovery = observer.getBean(DiscoveryClient.class);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(
						() -> assertThat(discovery.getInstances("crash-service")).extracting(ServiceInstance::getPort)
							.containsExactly(9401));

			instance.kill();
			// etcd finds expired leases every 500 ms and revokes each with a write: a
			// moment after the TTL on a busy machine.
			await().atMost(TTL.plusSeconds(3))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> discovery.getInstances("crash-service").isEmpty());
		}
	}

}
