package io.github.etcdconfig.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * etcd with authentication: the configuration side needs no more than read access to its
 * prefix.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdConfigAuthTests {

	private static final String PASSWORD = "Pa55-w0rd-xyzzy";

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys root;

	@BeforeAll
	static void enableAuth() {
		EtcdKeys plain = new EtcdKeys(etcd.cluster().newClient());
		plain.put("/config/database/host", "postgres");
		plain.client().close();
		etcd.cluster().addUser("reader", PASSWORD, "/config/");
		etcd.cluster().enableAuth("root-secret");
		root = new EtcdKeys(etcd.cluster().newClient());
	}

	@AfterAll
	static void close() {
		root.client().close();
	}

	@Test
	void aUserThatCanOnlyReadTheConfigPrefixLoadsIt() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "etcd.username=reader",
				"etcd.password=" + PASSWORD)) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("postgres");
		}
	}

	@Test
	void aUserThatCannotWatchTheWholeKeySpaceRestartsWithAFullReadWithoutWaiting(@TempDir Path folder,
			CapturedOutput output) {
		// A denied watch that went unanswered would hold the start-up for the request
		// timeout.
		String[] properties = { "etcd.username=reader", "etcd.password=" + PASSWORD,
				"etcd.config.snapshot.path=" + folder.resolve("etcd.snapshot"), "etcd.request-timeout=20s" };
		try (ConfigurableApplicationContext first = Apps.run(etcd.cluster(), properties)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(folder.resolve("etcd.snapshot")));
		}
		root.put("/config/database/host", "postgres-2");
		long start = System.nanoTime();
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), properties)) {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("postgres-2");
			assertThat(output).doesNotContain("changes since");
		}
		finally {
			root.put("/config/database/host", "postgres");
		}
	}

	@Test
	void aWrongPasswordFailsAtOnceWithoutRetriesAndWithoutShowingIt(CapturedOutput output) {
		long start = System.nanoTime();
		EtcdConfigLoadException failure = catchThrowableOfType(EtcdConfigLoadException.class,
				() -> Apps.run(etcd.cluster(), "etcd.username=reader", "etcd.password=wrong-" + PASSWORD,
						"etcd.config.retry.max-retries=6", "etcd.config.retry.delay=10s",
						"etcd.config.retry.max-delay=10s"));
		// A first retry would come after 10 s.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
		assertThat(failure).hasMessageContaining("authentication failed");
		assertThat(failure.getMessage()).doesNotContain(PASSWORD);
		assertThat(output).doesNotContain(PASSWORD);
	}

	@Test
	void theSettingsNeverShowThePassword(CapturedOutput output) {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "etcd.username=reader",
				"etcd.password=" + PASSWORD)) {
			EtcdConfigStore store = context.getBean(EtcdConfigStores.class).getStores().get(0);
			assertThat(store.getResource().getConnection().toString()).contains("reader").doesNotContain(PASSWORD);
			assertThat(store.getResource().toString()).doesNotContain(PASSWORD);
		}
		assertThat(output).doesNotContain(PASSWORD);
	}

}
