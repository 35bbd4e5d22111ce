package io.github.etcdconfig.reliability;

import java.time.Duration;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.TcpProxy;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 3b: a long cut, with the default settings. gRPC's own reconnect backoff has
 * grown to about ten seconds by the end of it; the application is current again long
 * before gRPC would have tried, and the outage is one warning, not one per retry.
 */
@Tag("reliability")
@ExtendWith(OutputCaptureExtension.class)
class EtcdLongOutageScenarioTests {

	private static final Duration CUT = Duration.ofSeconds(18);

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@Test
	void afterALongCutTheApplicationIsCurrentSoonAndTheOutageIsOneWarning(CapturedOutput output) {
		try (Client client = etcd.cluster().newClient();
				TcpProxy proxy = TcpProxy.to(etcd.cluster().clientEndpoints().get(0))) {
			EtcdKeys keys = new EtcdKeys(client);
			keys.put("/config/outage/value", "before");
			try (ConfigurableApplicationContext app = Apps
				.builder(new Class<?>[0], "etcd.endpoints=" + proxy.endpoint())
				.run()) {
				assertThat(app.getEnvironment().getProperty("outage.value")).isEqualTo("before");
				int logged = output.getOut().length();
				proxy.cut();
				keys.put("/config/outage/value", "during");
				keys.compact(keys.revision());
				// Waiting out the cut is the scenario itself, not a wait for something to
				// happen.
				Awaitility.await().pollDelay(CUT).atMost(CUT.plusSeconds(1)).until(() -> true);
				String duringCut = output.getOut().substring(logged);
				proxy.restore();
				long restored = System.nanoTime();
				await().atMost(Duration.ofSeconds(5))
					.pollInterval(Duration.ofMillis(5))
					.until(() -> "during".equals(app.getEnvironment().getProperty("outage.value")));
				Duration recovery = Duration.ofNanos(System.nanoTime() - restored);
				assertThat(warnings(duringCut)).isLessThanOrEqualTo(5);
				ReliabilityReport.record("3b", "Long cut line",
						"the TCP line cut for " + CUT.toSeconds() + " s with the default settings (gRPC's reconnect "
								+ "backoff has grown to about 10 s), a key changed and history compacted meanwhile",
						1, 0, recovery,
						"its last values, with " + warnings(duringCut) + " warning lines during the cut");
			}
		}
	}

	private static long warnings(String log) {
		return log.lines().filter((line) -> line.contains(" WARN ")).count();
	}

}
