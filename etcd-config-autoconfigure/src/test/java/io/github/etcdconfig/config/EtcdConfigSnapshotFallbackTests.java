package io.github.etcdconfig.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.etcdconfig.actuate.EtcdConfigHealthIndicator;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMember;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * With etcd.config.snapshot.path, an application starts from its last known configuration
 * while etcd is down.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdConfigSnapshotFallbackTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@TempDir
	Path folder;

	private ConfigurableApplicationContext run(Path snapshot) {
		return Apps.run(etcd.cluster(), "etcd.config.snapshot.path=" + snapshot, "etcd.config.watch.retry-delay=50ms",
				"etcd.config.watch.max-retry-delay=500ms");
	}

	// Write the snapshot file from a first run, change etcd while the application is
	// away,
	// stop etcd and run the application again, from its snapshot file; etcd runs again
	// afterwards.
	private void startedFromTheSnapshot(Path snapshot, Consumer<EtcdKeys> whileAway, WhileDown test) throws Exception {
		EtcdMember member = etcd.cluster().member(0);
		EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient());
		try {
			keys.put("/config/database/host", "known-host");
			try (ConfigurableApplicationContext first = run(snapshot)) {
				await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(snapshot));
			}
			whileAway.accept(keys);
			member.stop();
			try (ConfigurableApplicationContext context = run(snapshot)) {
				test.run(context, member);
			}
		}
		finally {
			if (!member.isRunning()) {
				member.start();
			}
			keys.client().close();
		}
	}

	@Test
	void startsFromTheSnapshotWhileEtcdIsDownAndCatchesUpWhenItReturns(CapturedOutput output) throws Exception {
		Path snapshot = this.folder.resolve("etcd.snapshot");
		startedFromTheSnapshot(snapshot, (keys) -> {
			keys.put("/config/database/host", "changed-while-away");
			keys.put("/config/added", "while-away");
		}, (context, member) -> {
			EtcdConfigStore store = context.getBean(EtcdConfigStores.class).getStores().get(0);
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("known-host");
			assertThat(store.isFromSnapshotFile()).isTrue();
			assertThat(output).contains("starting from the snapshot file " + snapshot);
			Health stale = context.getBean(EtcdConfigHealthIndicator.class).health();
			assertThat(stale.getStatus()).isEqualTo(Status.UP);
			assertThat(stale.getDetails()).containsEntry("stale", true);
			member.start();
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("changed-while-away");
				assertThat(context.getEnvironment().getProperty("added")).isEqualTo("while-away");
				assertThat(store.isFromSnapshotFile()).isFalse();
				assertThat(context.getBean(EtcdConfigHealthIndicator.class).health().getDetails())
					.containsEntry("stale", false);
			});
		});
	}

	@Test
	void anIdentitySetWhileStartedFromTheSnapshotLeavesTheValuesStale() throws Exception {
		startedFromTheSnapshot(this.folder.resolve("etcd.snapshot"), (keys) -> {
		}, (context, member) -> {
			EtcdConfigStores stores = context.getBean(EtcdConfigStores.class);

			// What etcd-discovery does once the instance is registered.
			stores.setIdentity(new EtcdInstanceIdentity("stale-1", Map.of())).get(10, TimeUnit.SECONDS);

			assertThat(stores.getStores().get(0).isFromSnapshotFile()).isTrue();
			assertThat(context.getBean(EtcdConfigHealthIndicator.class).health().getDetails()).containsEntry("stale",
					true);
		});
	}

	@Test
	void aCorruptSnapshotIsRejectedAndStartUpFailsNamingIt() throws Exception {
		Path snapshot = this.folder.resolve("etcd.snapshot");
		Files.writeString(snapshot, "etcd-config snapshot 1\nrevision 5\nkey garbage");
		EtcdMember member = etcd.cluster().member(0);
		member.stop();
		try {
			assertThatExceptionOfType(EtcdConfigLoadException.class).isThrownBy(() -> run(snapshot))
				.withMessageContaining(snapshot.toString())
				.withMessageContaining("rejected");
		}
		finally {
			member.start();
		}
	}

	// A test against the application started from its snapshot file while etcd is down.
	@FunctionalInterface
	private interface WhileDown {

		void run(ConfigurableApplicationContext context, EtcdMember member) throws Exception;

	}

}
