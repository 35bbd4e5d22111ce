package io.github.etcdconfig.cli;

import java.time.Duration;
import java.util.Set;

import io.github.etcdconfig.cli.fleet.Fleet;
import io.github.etcdconfig.cli.fleet.FleetApplication;
import io.github.etcdconfig.cli.fleet.FleetProbe;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.awaitility.Awaitility.await;

class EtcdProgressiveRolloutTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	static Fleet fleet;

	@BeforeAll
	static void start() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config-apps/roll/roll/value", "v0");
		long t0 = System.nanoTime();
		fleet = Fleet.start(etcd.cluster().endpointsProperty(), "roll", 6, Set.of("i2"));
		System.out.println("fleet started in " + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms");
	}

	@AfterAll
	static void stop() {
		if (fleet != null) {
			fleet.close();
		}
		keys.close();
	}

	@Test
	void smoke() {
		try (FleetProbe probe = FleetProbe.start(fleet)) {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> fleet.ids().stream().allMatch((id) -> probe.now(id, 0, (s) -> s.hasValue("v0"))));
			long t = System.nanoTime();
			keys.put("/config-apps/roll/roll/value", "v1");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> fleet.ids().stream().allMatch((id) -> probe.now(id, t, (s) -> s.hasValue("v1"))));
			long t2 = System.nanoTime();
			await().atMost(Duration.ofSeconds(10)).until(() -> probe.count("i1", (x) -> x.at() >= t2) >= 200);
			System.out.println("200 samples in " + (System.nanoTime() - t2) / 1e6 + " ms");
			for (String id : fleet.ids()) {
				System.out.println(id + " samples=" + probe.samples(id).size() + " latest=" + probe.latest(id)
						+ " first v1 after " + (probe.first(id, t, (s) -> s.hasValue("v1")).get().at() - t) / 1e6);
			}
			System.out.println(keys.values("/services/roll/"));
		}
	}

}
