package io.github.etcdconfig.watch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.ranges.EtcdConfigReader;
import io.github.etcdconfig.ranges.EtcdKeyRange;
import io.github.etcdconfig.refresh.EtcdConfigWatchers;
import io.github.etcdconfig.support.Applied;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdGrpcProxy;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMember;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application pointed at etcd's gRPC proxy ({@code etcd grpc-proxy start}) instead of
 * the members, the documented way past a thousand instances: it loads, follows changes,
 * survives a restart of the proxy and of a member behind it, and restarts from its
 * snapshot file through it. The proxy's cache answers the pages of a load (serializable,
 * pinned to the revision the load read first) and never hides a change.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdGrpcProxyTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension(EtcdCluster.builder().members(3));

	private EtcdGrpcProxy proxy;

	private Client client;

	private EtcdKeys keys;

	@BeforeEach
	void startProxy() {
		this.proxy = EtcdGrpcProxy.start(etcd.cluster());
		this.client = etcd.cluster().newClient();
		this.keys = new EtcdKeys(this.client);
		this.keys.deletePrefix("/config/");
	}

	@AfterEach
	void stopProxy() {
		this.client.close();
		this.proxy.close();
	}

	@Test
	void anApplicationThroughTheProxyLoadsAndFollowsChanges() {
		this.keys.put("/config/proxied/value", "loaded");
		try (ConfigurableApplicationContext context = run()) {
			assertThat(context.getEnvironment().getProperty("proxied.value")).isEqualTo("loaded");
			Applied.awaitRevision(context, this.keys.put("/config/proxied/value", "changed"));
			assertThat(context.getEnvironment().getProperty("proxied.value")).isEqualTo("changed");
			Applied.awaitRevision(context, this.keys.delete("/config/proxied/value"));
			assertThat(context.getEnvironment().containsProperty("proxied.value")).isFalse();
		}
	}

	@Test
	void theProxyRestartedTheApplicationHoldsWhatChangedWhileItWasDown() {
		this.keys.put("/config/proxied/value", "before");
		try (ConfigurableApplicationContext context = run()) {
			this.proxy.stop();
			this.keys.put("/config/proxied/value", "while the proxy was down");
			this.proxy.start();
			await().atMost(Duration.ofSeconds(20))
				.until(() -> "while the proxy was down".equals(context.getEnvironment().getProperty("proxied.value")));
			Applied.awaitRevision(context, this.keys.put("/config/proxied/value", "after"));
			assertThat(context.getEnvironment().getProperty("proxied.value")).isEqualTo("after");
		}
	}

	@Test
	void eachMemberBehindTheProxyRestartedTheApplicationFollowsChanges() {
		this.keys.put("/config/proxied/value", "before");
		try (ConfigurableApplicationContext context = run()) {
			for (EtcdMember member : etcd.cluster().members()) {
				member.kill();
				String value = "while " + member.name() + " was down";
				await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
					this.keys.put("/config/proxied/value", value, Duration.ofSeconds(1));
					return true;
				});
				await().atMost(Duration.ofSeconds(20))
					.until(() -> value.equals(context.getEnvironment().getProperty("proxied.value")));
				member.start();
			}
		}
	}

	@Test
	void aRestartThroughTheProxyReadsTheChangesSinceTheSnapshotFile(@TempDir Path folder, CapturedOutput output) {
		this.keys.put("/config/proxied/value", "in the file");
		this.keys.put("/config/proxied/other", "unchanged");
		String snapshot = "etcd.config.snapshot.path=" + folder.resolve("etcd.snapshot");
		try (ConfigurableApplicationContext first = run(snapshot)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(folder.resolve("etcd.snapshot")));
		}
		this.keys.put("/config/proxied/value", "changed since");
		try (ConfigurableApplicationContext context = run(snapshot)) {
			assertThat(context.getEnvironment().getProperty("proxied.value")).isEqualTo("changed since");
			assertThat(context.getEnvironment().getProperty("proxied.other")).isEqualTo("unchanged");
			assertThat(output).contains("the 1 changes since");
		}
	}

	@Test
	void theProxysCacheServesThePagesOfALoadAtTheSameRevisionAndNeverAnOlderState() throws Exception {
		String[] batch = new String[100];
		for (int i = 0; i < 50; i++) {
			batch[2 * i] = String.format("/config/proxied/key-%02d", i);
			batch[2 * i + 1] = "value-" + i;
		}
		this.keys.putAll(batch);
		List<EtcdKeyRange> ranges = List.of(EtcdKeyRange.prefix("/config/proxied/"));
		try (Client proxied = Client.builder().endpoints(this.proxy.endpoint()).build()) {
			EtcdConfigReader reader = new EtcdConfigReader(proxied.getKVClient(), Duration.ofSeconds(5), 10);
			long before = rangesServed();
			reader.read(ranges);
			long first = rangesServed() - before;
			EtcdConfigReader.Result again = reader.read(ranges);
			long second = rangesServed() - before - first;
			// The revision and the pages; then the revision alone, the pages from the
			// cache.
			assertThat(first).isGreaterThanOrEqualTo(3);
			assertThat(second).isEqualTo(1);
			assertThat(again.keys()).hasSize(50);
			this.keys.put("/config/proxied/key-00", "changed");
			EtcdConfigReader.Result changed = reader.read(ranges);
			assertThat(new String(changed.keys().get(0).value())).isEqualTo("changed");
		}
	}

	@Test
	void aWatcherThroughTheProxyFindsEtcdUnreachableWhenTheMembersBehindItHang() {
		this.keys.put("/config/proxied/value", "before");
		try (ConfigurableApplicationContext context = run()) {
			// A check answered through the proxy first: a request the proxy could keep.
			await().atMost(Duration.ofSeconds(10)).until(() -> watchStatus(context).getEtcdRevision() > 0);
			List<EtcdMember> members = etcd.cluster().members();
			members.forEach(EtcdMember::pause);
			try {
				await().atMost(Duration.ofSeconds(15))
					.until(() -> watchStatus(context).getState() == EtcdWatchStatus.State.UNREACHABLE);
			}
			finally {
				members.forEach(EtcdMember::resume);
			}
			Applied.awaitRevision(context, this.keys.put("/config/proxied/value", "after"));
		}
	}

	@Test
	void aSilentWatchThroughTheProxyIsFoundWhenTheWritesGoToTheMembers() {
		long start = this.keys.put("/watched/key-0", "start");
		try (Client proxied = Client.builder().endpoints(this.proxy.endpoint()).build()) {
			EtcdPrefixWatcherTests.Recorder target = new EtcdPrefixWatcherTests.Recorder(start);
			EtcdPrefixWatcher watcher = EtcdPrefixWatcherTests.watchingSilently(proxied, target);
			try {
				// A check answered through the proxy: a request the proxy could keep.
				await().atMost(Duration.ofSeconds(30)).until(() -> watcher.getStatus().getEtcdRevision() >= start);
				this.keys.put("/watched/key-1", "missed by the watch");
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(
							() -> assertThat(target.values).containsEntry("/watched/key-1", "missed by the watch"));
			}
			finally {
				watcher.stop();
			}
		}
	}

	private static EtcdWatchStatus watchStatus(ConfigurableApplicationContext context) {
		return context.getBean(EtcdConfigWatchers.class).getWatchers().get(0).getWatcher().getStatus();
	}

	// Range requests the members served: what reached etcd through the proxy.
	private static long rangesServed() {
		return etcd.cluster().members().stream().mapToLong(EtcdMember::rangesServed).sum();
	}

	private ConfigurableApplicationContext run(String... properties) {
		return Apps
			.builder(new Class<?>[0], "etcd.endpoints=" + this.proxy.endpoint(), "etcd.config.watch.retry-delay=50ms",
					"etcd.config.watch.max-retry-delay=500ms", "etcd.config.watch.check-interval=1s",
					"etcd.request-timeout=1s")
			.properties(properties)
			.run();
	}

}
