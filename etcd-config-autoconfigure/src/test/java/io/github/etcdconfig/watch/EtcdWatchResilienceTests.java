package io.github.etcdconfig.watch;

import java.time.Duration;
import java.util.Map;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.support.SteadyWriter;
import io.github.etcdconfig.support.ValueHistory;
import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMember;
import io.github.etcdconfig.test.TcpProxy;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The watch survives what etcd and the network do to it: nothing is lost and nothing goes
 * backwards.
 */
class EtcdWatchResilienceTests {

	private static final String[] FAST_RECOVERY = { "etcd.config.watch.retry-delay=50ms",
			"etcd.config.watch.max-retry-delay=500ms", "etcd.config.watch.check-interval=1s",
			"etcd.request-timeout=1s" };

	private static ConfigurableApplicationContext run(String endpoints) {
		String[] properties = new String[FAST_RECOVERY.length + 1];
		properties[0] = "etcd.endpoints=" + endpoints;
		System.arraycopy(FAST_RECOVERY, 0, properties, 1, FAST_RECOVERY.length);
		return Apps.builder(new Class<?>[0], properties).run();
	}

	private static String property(String key) {
		return key.substring("/config/".length()).replace('/', '.');
	}

	@Nested
	class SingleMember {

		@RegisterExtension
		static EtcdClusterExtension etcd = new EtcdClusterExtension();

		@Test
		void killedWithSigkillAndRestartedUnderASteadyWriterNothingIsLostAndNothingGoesBack() {
			EtcdMember member = etcd.cluster().member(0);
			try (Client client = etcd.cluster().newClient();
					ConfigurableApplicationContext context = run(etcd.cluster().endpointsProperty())) {
				ValueHistory history = new ValueHistory("counter");
				context.addApplicationListener(history);
				SteadyWriter writer = new SteadyWriter(client, "/config/counter");
				await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledged() > 20);
				member.kill();
				member.start();
				long before = writer.acknowledged();
				await().atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged() > before + 20);
				long last = writer.stop();
				await().atMost(Duration.ofSeconds(20))
					.untilAsserted(() -> assertThat(context.getEnvironment().getProperty("counter"))
						.isEqualTo(Long.toString(last)));
				assertThat(history.neverWentBack()).isTrue();
			}
		}

		@Test
		void theLineCutWhileKeysChangeAreDeletedAndHistoryIsCompactedResyncsExactly() {
			EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient());
			keys.deletePrefix("/config/");
			keys.put("/config/kept", "1");
			keys.put("/config/changed", "before");
			keys.put("/config/deleted", "soon gone");
			keys.put("/config/doc.yml", "doc:\n  a: 1\n  b: 2\n");
			try (TcpProxy proxy = TcpProxy.to(etcd.cluster().clientEndpoints().get(0));
					ConfigurableApplicationContext context = run(proxy.endpoint().toString())) {
				Environment environment = context.getEnvironment();
				assertThat(environment.getProperty("deleted")).isEqualTo("soon gone");
				proxy.cut();
				keys.put("/config/changed", "after");
				keys.delete("/config/deleted");
				keys.put("/config/added", "new");
				keys.put("/config/doc.yml", "doc:\n  a: 10\n");
				long revision = keys.put("/config/changed", "after-again");
				keys.compact(revision);
				proxy.restore();
				Map<String, String> expected = keys.values("/config/");
				await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
					assertThat(environment.getProperty("changed")).isEqualTo("after-again");
					assertThat(environment.getProperty("added")).isEqualTo("new");
					assertThat(environment.containsProperty("deleted")).isFalse();
					assertThat(environment.getProperty("doc.a")).isEqualTo("10");
					assertThat(environment.containsProperty("doc.b")).isFalse();
				});
				expected.forEach((key, value) -> {
					if (!key.endsWith(".yml")) {
						assertThat(environment.getProperty(property(key))).isEqualTo(value);
					}
				});
			}
			finally {
				keys.client().close();
			}
		}

	}

	@Nested
	class ThreeMembers {

		@RegisterExtension
		static EtcdClusterExtension etcd = new EtcdClusterExtension(EtcdCluster.builder().members(3));

		@Test
		void theLeaderKilledTheApplicationFollowsTheNewLeader() {
			try (Client client = etcd.cluster().newClient();
					ConfigurableApplicationContext context = run(etcd.cluster().endpointsProperty())) {
				EtcdKeys keys = new EtcdKeys(client);
				keys.put("/config/leader/test", "before");
				await().atMost(Duration.ofSeconds(10))
					.until(() -> "before".equals(context.getEnvironment().getProperty("leader.test")));
				EtcdMember leader = etcd.cluster().leader();
				leader.kill();
				await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
					keys.put("/config/leader/test", "after", Duration.ofSeconds(1));
					return true;
				});
				await().atMost(Duration.ofSeconds(20))
					.until(() -> "after".equals(context.getEnvironment().getProperty("leader.test")));
				leader.start();
			}
		}

	}

}
