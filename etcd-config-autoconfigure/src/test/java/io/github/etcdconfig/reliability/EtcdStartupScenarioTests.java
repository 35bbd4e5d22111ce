package io.github.etcdconfig.reliability;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.etcdconfig.config.EtcdConfigLoadException;
import io.github.etcdconfig.config.EtcdConfigStores;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMember;
import io.github.etcdconfig.refresh.EtcdConfigWatchers;
import io.github.etcdconfig.watch.EtcdWatchStatus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 5: the application starts while etcd is down.
 */
@Tag("reliability")
class EtcdStartupScenarioTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@TempDir
	Path folder;

	private static String unreachable() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return "http://127.0.0.1:" + socket.getLocalPort();
		}
	}

	private static SpringApplicationBuilder defaults(String... properties) {
		return Apps.builder(new Class<?>[0], properties)
			.properties("etcd.config.retry.max-retries=6", "etcd.config.retry.delay=500ms", "etcd.request-timeout=5s");
	}

	@Test
	void failFastGivesUpWithinItsRetryBudgetWithAMessageThatSaysWhatToDo() throws Exception {
		String endpoint = unreachable();
		long start = System.nanoTime();
		EtcdConfigLoadException failure = catchThrowableOfType(EtcdConfigLoadException.class,
				() -> defaults("etcd.endpoints=" + endpoint).run());
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		assertThat(failure).hasMessageContaining(endpoint).hasMessageContaining("/config/");
		assertThat(elapsed).isLessThan(Duration.ofSeconds(25));
		ReliabilityReport.record("5a", "Start-up, etcd down, fail-fast (default)",
				"start with nothing listening on the endpoint", 0, 0, null,
				"nothing: start-up failed after " + elapsed.toMillis() + " ms (retries with backoff, about 15 s) "
						+ "with a failure analysis naming the endpoint, the prefix, the cause and how to make etcd optional");
	}

	@Test
	void optionalStartsWithoutEtcdValuesAndLoadsThemWhenEtcdAnswers() {
		EtcdMember member = etcd.cluster().member(0);
		EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config/optional/value", "from-etcd");
		member.stop();
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "etcd.config.fail-fast=false",
				"etcd.config.watch.retry-delay=50ms", "etcd.config.watch.max-retry-delay=500ms")) {
			assertThat(context.getEnvironment().getProperty("optional.value")).isNull();
			awaitFailedRead(context);
			member.start();
			long started = System.nanoTime();
			await().atMost(Duration.ofSeconds(20))
				.until(() -> "from-etcd".equals(context.getEnvironment().getProperty("optional.value")));
			ReliabilityReport.record("5b", "Start-up, etcd down, optional",
					"start with etcd stopped and etcd.config.fail-fast=false (same as optional:etcd:), then start etcd",
					1, 0, Duration.ofNanos(System.nanoTime() - started),
					"no etcd values (a WARN at start-up); all of them once etcd answered");
		}
		finally {
			if (!member.isRunning()) {
				member.start();
			}
			keys.client().close();
		}
	}

	@Test
	void aSnapshotFileServesTheLastKnownValuesUntilEtcdAnswers() {
		EtcdMember member = etcd.cluster().member(0);
		Path snapshot = this.folder.resolve("snapshot");
		EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient());
		try {
			keys.put("/config/snapshot/value", "known");
			try (ConfigurableApplicationContext first = Apps.run(etcd.cluster(),
					"etcd.config.snapshot.path=" + snapshot)) {
				await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(snapshot));
			}
			keys.put("/config/snapshot/value", "newer");
			member.stop();
			try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(),
					"etcd.config.snapshot.path=" + snapshot, "etcd.config.watch.retry-delay=50ms",
					"etcd.config.watch.max-retry-delay=500ms")) {
				String served = context.getEnvironment().getProperty("snapshot.value");
				boolean stale = context.getBean(EtcdConfigStores.class).getStores().get(0).isFromSnapshotFile();
				awaitFailedRead(context);
				member.start();
				long started = System.nanoTime();
				await().atMost(Duration.ofSeconds(20))
					.until(() -> "newer".equals(context.getEnvironment().getProperty("snapshot.value")));
				assertThat(served).isEqualTo("known");
				assertThat(stale).isTrue();
				ReliabilityReport.record("5c", "Start-up, etcd down, snapshot file",
						"start with etcd stopped and etcd.config.snapshot.path set, then start etcd", 1, 0,
						Duration.ofNanos(System.nanoTime() - started),
						"the values of the snapshot file, marked stale (a WARN at start-up); etcd's once it answered");
			}
		}
		finally {
			if (!member.isRunning()) {
				member.start();
			}
			keys.client().close();
		}
	}

	// The watcher has tried to read etcd and failed, so what follows is its recovery, not
	// a first read that happens
	// to wait long enough.
	private static void awaitFailedRead(ConfigurableApplicationContext context) {
		EtcdWatchStatus watch = context.getBean(EtcdConfigWatchers.class).getWatchers().get(0).getWatcher().getStatus();
		await().atMost(Duration.ofSeconds(30)).until(() -> watch.getLastError() != null);
	}

}
