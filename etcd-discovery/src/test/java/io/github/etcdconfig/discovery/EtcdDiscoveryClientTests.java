package io.github.etcdconfig.discovery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMember;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * What discovery returns for the entries under /services/, whoever wrote them.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdDiscoveryClientTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	static ConfigurableApplicationContext app;

	static DiscoveryClient discovery;

	@BeforeAll
	static void start() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		app = Apps.run(etcd.cluster(), new Class<?>[] { Heartbeats.class },
				"spring.cloud.service-registry.auto-registration.enabled=false");
		discovery = app.getBean(DiscoveryClient.class);
	}

	@AfterAll
	static void stop() {
		app.close();
		keys.close();
	}

	@Test
	void entriesInTheSeedsFormAreDiscoveredFromTheirEndpointUrl() {
		keys.put("/services/auth-service/auth-service-1",
				"{\"endpoint\":\"http://localhost:3001\",\"status\":\"healthy\"}");
		keys.put("/services/auth-service/auth-service-2",
				"{\"endpoint\":\"https://auth.example\",\"status\":\"healthy\"}");
		await().atMost(Duration.ofSeconds(5)).until(() -> discovery.getInstances("auth-service").size() == 2);
		assertThat(discovery.getInstances("auth-service"))
			.extracting(ServiceInstance::getInstanceId, ServiceInstance::getHost, ServiceInstance::getPort,
					ServiceInstance::isSecure)
			.containsExactly(tuple("auth-service-1", "localhost", 3001, false),
					tuple("auth-service-2", "auth.example", 443, true));
		assertThat(discovery.getServices()).contains("auth-service");
	}

	@Test
	void onlyHealthyOrUpInstancesAndThoseWithoutStatusAreReturned() {
		keys.put("/services/status/a", "{\"endpoint\":\"http://127.0.0.1:4001\",\"status\":\"healthy\"}");
		keys.put("/services/status/b", "{\"endpoint\":\"http://127.0.0.1:4002\",\"status\":\"UP\"}");
		keys.put("/services/status/c", "{\"endpoint\":\"http://127.0.0.1:4003\"}");
		keys.put("/services/status/d", "{\"endpoint\":\"http://127.0.0.1:4004\",\"status\":\"unhealthy\"}");
		keys.put("/services/status/e", "{\"endpoint\":\"http://127.0.0.1:4005\",\"status\":\"OUT_OF_SERVICE\"}");
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(discovery.getInstances("status")).extracting(ServiceInstance::getInstanceId)
				.containsExactly("a", "b", "c"));
	}

	@Test
	void aDeletedInstanceIsNoLongerReturned() {
		keys.put("/services/leaving/x", "{\"endpoint\":\"http://127.0.0.1:4010\"}");
		await().atMost(Duration.ofSeconds(5)).until(() -> discovery.getInstances("leaving").size() == 1);
		keys.delete("/services/leaving/x");
		await().atMost(Duration.ofSeconds(5)).until(() -> discovery.getInstances("leaving").isEmpty());
		assertThat(discovery.getServices()).doesNotContain("leaving");
	}

	@Test
	void aMalformedEntryIsSkippedWithOneWarningPerRevisionThatNamesTheKeyButNotTheValue(CapturedOutput output) {
		long first = keys.put("/services/broken/b-1", "secret-token-123 is not JSON");
		keys.put("/services/broken/b-2", "{\"status\":\"healthy\"}");
		keys.put("/services/broken/b-3", "{\"endpoint\":\"not a url\"}");
		keys.put("/services/broken", "{\"endpoint\":\"http://127.0.0.1:4020\"}");
		keys.put("/services/fine/f-1", "{\"endpoint\":\"http://127.0.0.1:4021\"}");
		await().atMost(Duration.ofSeconds(5)).until(() -> discovery.getInstances("fine").size() == 1);
		assertThat(discovery.getInstances("broken")).isEmpty();
		String warning = "Skipping service registry entry /services/broken/b-1 at revision " + first;
		assertThat(output).contains(warning)
			.contains("Skipping service registry entry /services/broken/b-2")
			.contains("Skipping service registry entry /services/broken/b-3")
			.contains("Skipping service registry entry /services/broken at")
			.doesNotContain("secret-token-123");

		EtcdServiceInstances instances = app.getBean(EtcdServiceInstances.class);
		long resyncs = instances.getWatcher().getStatus().getResyncs();
		instances.getWatcher().requestResync();
		await().atMost(Duration.ofSeconds(5)).until(() -> instances.getWatcher().getStatus().getResyncs() > resyncs);
		assertThat(count(output.getOut(), warning)).isEqualTo(1);

		long second = keys.put("/services/broken/b-1", "still not JSON");
		await().atMost(Duration.ofSeconds(5))
			.until(() -> output.getOut()
				.contains("Skipping service registry entry /services/broken/b-1 at revision " + second));
	}

	@Test
	void lookupsAreAnsweredFromMemoryWhileEtcdDoesNotAnswer() {
		keys.put("/services/cached/c-1", "{\"endpoint\":\"http://127.0.0.1:4030\"}");
		await().atMost(Duration.ofSeconds(5)).until(() -> discovery.getInstances("cached").size() == 1);
		EtcdMember member = etcd.cluster().member(0);
		member.pause();
		try {
			List<ServiceInstance> instances = assertTimeoutPreemptively(Duration.ofMillis(500),
					() -> discovery.getInstances("cached"));
			assertThat(instances).extracting(ServiceInstance::getPort).containsExactly(4030);
		}
		finally {
			member.resume();
		}
	}

	@Test
	void theReactiveClientReturnsTheSameInstances() {
		keys.put("/services/reactive/r-1", "{\"endpoint\":\"http://127.0.0.1:4040\"}");
		await().atMost(Duration.ofSeconds(5)).until(() -> discovery.getInstances("reactive").size() == 1);
		ReactiveDiscoveryClient reactive = app.getBean(EtcdReactiveDiscoveryClient.class);
		assertThat(reactive.getInstances("reactive").collectList().block(Duration.ofSeconds(1)))
			.isEqualTo(discovery.getInstances("reactive"));
		assertThat(reactive.getServices().collectList().block(Duration.ofSeconds(1))).contains("reactive");
	}

	@Test
	void aChangeOfInstancesPublishesAHeartbeatEvent() {
		Heartbeats heartbeats = app.getBean(Heartbeats.class);
		long revision = keys.put("/services/beating/h-1", "{\"endpoint\":\"http://127.0.0.1:4050\"}");
		await().atMost(Duration.ofSeconds(5))
			.until(() -> heartbeats.events.stream().anyMatch((event) -> (long) event.getValue() >= revision));
	}

	private static int count(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
			count++;
		}
		return count;
	}

	static class Heartbeats implements ApplicationListener<HeartbeatEvent> {

		final List<HeartbeatEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(HeartbeatEvent event) {
			this.events.add(event);
		}

	}

}
