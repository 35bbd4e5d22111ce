package io.github.etcdconfig.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.etcdconfig.support.Applied;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A restart with the snapshot file (etcd.config.snapshot.path) starts from the file and
 * reads only what changed in etcd since, from etcd's history, before the application is
 * ready; and it is then as current as after a full read.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdConfigSnapshotCatchUpTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@TempDir
	Path folder;

	private EtcdKeys keys;

	private Path snapshot;

	@BeforeEach
	void writeTheSnapshotFile() {
		this.keys = new EtcdKeys(etcd.cluster().newClient());
		this.keys.deletePrefix("/config/");
		this.keys.put("/config/kept", "as in the file");
		this.keys.put("/config/changed", "before");
		this.keys.put("/config/deleted", "soon gone");
		this.snapshot = this.folder.resolve("etcd.snapshot");
		try (ConfigurableApplicationContext first = run()) {
			await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(this.snapshot));
		}
	}

	@AfterEach
	void closeClient() {
		this.keys.client().close();
	}

	@Test
	void aRestartReadsOnlyTheChangesSinceTheFileAndServesEtcdsValuesOfTheMomentItIsReady(CapturedOutput output) {
		this.keys.put("/config/changed", "after");
		this.keys.delete("/config/deleted");
		this.keys.put("/config/added", "new");
		long last = this.keys.put("/elsewhere/unwatched", "not configuration");
		try (ConfigurableApplicationContext context = run()) {
			Environment environment = context.getEnvironment();
			assertThat(environment.getProperty("kept")).isEqualTo("as in the file");
			assertThat(environment.getProperty("changed")).isEqualTo("after");
			assertThat(environment.containsProperty("deleted")).isFalse();
			assertThat(environment.getProperty("added")).isEqualTo("new");
			assertThat(environment.containsProperty("elsewhere.unwatched")).isFalse();
			EtcdConfigStore store = context.getBean(EtcdConfigStores.class).getStores().get(0);
			assertThat(store.getSnapshot().getRevision()).isGreaterThanOrEqualTo(last);
			assertThat(store.isFromSnapshotFile()).isFalse();
			assertThat(output).contains("from the snapshot file " + this.snapshot).contains("the 3 changes since");
			Applied.awaitRevision(context, this.keys.put("/config/changed", "followed"));
			assertThat(environment.getProperty("changed")).isEqualTo("followed");
		}
	}

	@Test
	void aRestartWithNothingChangedSinceTheFileStartsFromItAtEtcdsRevision(CapturedOutput output) {
		long current = this.keys.put("/elsewhere/unwatched", "not configuration");
		try (ConfigurableApplicationContext context = run()) {
			assertThat(context.getEnvironment().getProperty("changed")).isEqualTo("before");
			EtcdConfigStore store = context.getBean(EtcdConfigStores.class).getStores().get(0);
			assertThat(store.getSnapshot().getRevision()).isGreaterThanOrEqualTo(current);
			assertThat(output).contains("the 0 changes since");
		}
	}

	@Test
	void aCompactedHistoryIsNotUsedAndEveryKeyIsReadAsWithoutAFile(CapturedOutput output) {
		this.keys.put("/config/changed", "after");
		this.keys.delete("/config/deleted");
		long last = this.keys.put("/config/added", "new");
		this.keys.compact(last);
		try (ConfigurableApplicationContext context = run()) {
			Environment environment = context.getEnvironment();
			assertThat(environment.getProperty("changed")).isEqualTo("after");
			assertThat(environment.containsProperty("deleted")).isFalse();
			assertThat(environment.getProperty("added")).isEqualTo("new");
			assertThat(context.getBean(EtcdConfigStores.class).getStores().get(0).getSnapshot().getRevision())
				.isGreaterThanOrEqualTo(last);
			assertThat(output).doesNotContain("changes since");
		}
	}

	private ConfigurableApplicationContext run() {
		return Apps.run(etcd.cluster(), "etcd.config.snapshot.path=" + this.snapshot);
	}

}
