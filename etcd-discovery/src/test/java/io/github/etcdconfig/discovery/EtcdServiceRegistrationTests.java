package io.github.etcdconfig.discovery;

import java.time.Duration;
import java.util.Map;

import io.etcd.jetcd.KeyValue;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application with spring.application.name registers itself at
 * /services/{name}/{instance} on a lease, and discovery finds it.
 */
class EtcdServiceRegistrationTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	@BeforeAll
	static void connect() {
		keys = new EtcdKeys(etcd.cluster().newClient());
	}

	@AfterAll
	static void close() {
		keys.close();
	}

	@Test
	void twoInstancesRegisterAndDiscoverySeesBoth() {
		try (ConfigurableApplicationContext one = Apps.web(etcd.cluster(), "auth-service");
				ConfigurableApplicationContext two = Apps.web(etcd.cluster(), "auth-service")) {
			DiscoveryClient discovery = one.getBean(DiscoveryClient.class);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(
						() -> assertThat(discovery.getInstances("auth-service")).extracting(ServiceInstance::getPort)
							.containsExactlyInAnyOrder(port(one), port(two)));
			assertThat(discovery.getServices()).contains("auth-service");
			assertThat(two.getBean(DiscoveryClient.class).getInstances("auth-service")).hasSize(2);
		}
	}

	@Test
	void theEntryIsJsonWithTheSeedsEndpointAndStatusOnALeaseOfTheTtl() {
		try (ConfigurableApplicationContext app = Apps.web(etcd.cluster(), "billing", "etcd.discovery.ttl=7s",
				"etcd.discovery.metadata.zone=eu-1")) {
			String key = "/services/billing/billing-127.0.0.1-" + port(app);
			KeyValue entry = keys.get(key);
			assertThat(entry).as(key).isNotNull();
			Map<String, Object> json = JsonParserFactory.getJsonParser().parseMap(entry.getValue().toString());
			assertThat(json).containsEntry("instanceId", "billing-127.0.0.1-" + port(app))
				.containsEntry("serviceId", "billing")
				.containsEntry("host", "127.0.0.1")
				.containsEntry("secure", false)
				.containsEntry("endpoint", "http://127.0.0.1:" + port(app))
				.containsEntry("uri", "http://127.0.0.1:" + port(app))
				.containsEntry("status", "healthy")
				.containsEntry("metadata", Map.of("zone", "eu-1"));
			assertThat(((Number) json.get("port")).intValue()).isEqualTo(port(app));
			assertThat(entry.getLease()).isNotZero();
			assertThat(keys.ttl(entry.getLease())).isBetween(1L, 7L);
		}
	}

	@Test
	void stoppingTheApplicationRevokesTheLeaseAndRemovesTheEntryAtOnce() {
		ConfigurableApplicationContext app = Apps.web(etcd.cluster(), "stopping");
		String key = "/services/stopping/stopping-127.0.0.1-" + port(app);
		long lease = keys.get(key).getLease();
		app.close();
		assertThat(keys.get(key)).isNull();
		assertThat(keys.ttl(lease)).isEqualTo(-1);
	}

	@Test
	void theEntryIsGoneBeforeTheWebServerStopsTakingRequests() {
		ConfigurableApplicationContext app = Apps.web(etcd.cluster(), "draining",
				new Class<?>[] { EntryAtShutdown.class });
		String key = "/services/draining/draining-127.0.0.1-" + port(app);
		EntryAtShutdown probe = app.getBean(EntryAtShutdown.class);
		probe.key = key;
		app.close();
		assertThat(probe.entryWhenStopping).isEqualTo("absent");
	}

	@Test
	void aLostLeaseIsReplacedAndTheInstanceRegistersAgain() {
		try (ConfigurableApplicationContext app = Apps.web(etcd.cluster(), "resilient", "etcd.discovery.ttl=3s")) {
			String key = "/services/resilient/resilient-127.0.0.1-" + port(app);
			long first = keys.get(key).getLease();
			keys.revoke(first);
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				KeyValue entry = keys.get(key);
				assertThat(entry).isNotNull();
				assertThat(entry.getLease()).isNotEqualTo(first);
			});
			EtcdServiceRegistry registry = app.getBean(EtcdServiceRegistry.class);
			assertThat(registry.isRegistered(app.getBean(EtcdRegistration.class))).isTrue();
		}
	}

	@Test
	void anInstanceSetOutOfServiceIsNoLongerDiscoveredAndComesBackWhenUp() {
		try (ConfigurableApplicationContext app = Apps.web(etcd.cluster(), "maintenance")) {
			EtcdServiceRegistry registry = app.getBean(EtcdServiceRegistry.class);
			EtcdRegistration registration = app.getBean(EtcdRegistration.class);
			DiscoveryClient discovery = app.getBean(DiscoveryClient.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> discovery.getInstances("maintenance").size() == 1);
			registry.setStatus(registration, "OUT_OF_SERVICE");
			assertThat((String) registry.getStatus(registration)).isEqualTo("OUT_OF_SERVICE");
			await().atMost(Duration.ofSeconds(5)).until(() -> discovery.getInstances("maintenance").isEmpty());
			registry.setStatus(registration, "UP");
			await().atMost(Duration.ofSeconds(5)).until(() -> discovery.getInstances("maintenance").size() == 1);
		}
	}

	@Test
	void anApplicationWithoutWebServerRegistersWithTheConfiguredPort() {
		try (ConfigurableApplicationContext app = Apps.run(etcd.cluster(), "spring.application.name=worker",
				"etcd.discovery.port=9090")) {
			assertThat(keys.value("/services/worker/worker-127.0.0.1-9090")).contains("\"port\":9090");
		}
	}

	@Test
	void theInstanceIdAndPrefixCanBeSet() {
		try (ConfigurableApplicationContext app = Apps.web(etcd.cluster(), "named", "etcd.discovery.prefix=/registry/",
				"etcd.discovery.instance-id=named-1")) {
			assertThat(keys.get("/registry/named/named-1")).isNotNull();
			assertThat(app.getBean(DiscoveryClient.class).getInstances("named"))
				.extracting(ServiceInstance::getInstanceId)
				.containsExactly("named-1");
		}
	}

	@Test
	void autoRegistrationDisabledRegistersNothingButStillDiscovers() {
		keys.put("/services/other/other-1", "{\"endpoint\":\"http://127.0.0.1:3001\",\"status\":\"healthy\"}");
		try (ConfigurableApplicationContext app = Apps.web(etcd.cluster(), "silent",
				"spring.cloud.service-registry.auto-registration.enabled=false")) {
			assertThat(keys.keyValues("/services/silent/")).isEmpty();
			assertThat(app.getBean(DiscoveryClient.class).getInstances("other")).hasSize(1);
		}
		finally {
			keys.delete("/services/other/other-1");
		}
	}

	/**
	 * Stopped first of all lifecycles, the web server included: tells whether the entry
	 * was still there.
	 */
	static class EntryAtShutdown implements SmartLifecycle {

		volatile String key;

		volatile String entryWhenStopping;

		private volatile boolean running;

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.entryWhenStopping = (keys.get(this.key) != null) ? "present" : "absent";
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return Integer.MAX_VALUE;
		}

	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

}
