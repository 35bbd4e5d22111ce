package io.github.etcdconfig.reliability;

import java.time.Duration;
import java.util.Arrays;

import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 7: bad and big input, at runtime.
 */
@Tag("reliability")
@ExtendWith(OutputCaptureExtension.class)
class EtcdBadInputScenarioTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@AutoClose
	EtcdKeys keys;

	@BeforeEach
	void connect() {
		this.keys = new EtcdKeys(etcd.cluster().newClient());
		this.keys.deletePrefix("/config/");
	}

	@Test
	void aBrokenDocumentAndNonUtf8BytesKeepThePreviousValues(CapturedOutput output) {
		this.keys.put("/config/application.yml", "mail:\n  host: smtp\n");
		this.keys.put("/config/plain", "text");
		try (FollowingApp app = new FollowingApp(etcd.cluster().endpointsProperty())) {
			this.keys.put("/config/application.yml", "mail:\n  host: [unclosed\n  password: hunter2\n");
			this.keys.put("/config/plain", new byte[] { (byte) 0xC3, (byte) 0x28 });
			this.keys.put("/config/marker", "after");
			await().atMost(Duration.ofSeconds(10)).until(() -> "after".equals(app.property("marker")));
			assertThat(app.property("mail.host")).isEqualTo("smtp");
			assertThat(app.property("plain")).isEqualTo("text");
			assertThat(output).contains("etcd key /config/application.yml: the document does not parse")
				.contains("etcd key /config/plain: the value is not UTF-8; keeping")
				.doesNotContain("hunter2");
			ReliabilityReport.record("7a", "Invalid YAML and non-UTF-8 bytes",
					"a document key rewritten with broken YAML, a plain key rewritten with bytes that are not UTF-8", 3,
					0, null, "the previous values of both keys, with an ERROR and a WARN naming them (no value "
							+ "quoted); the other changes of the same time were applied");
		}
	}

	@Test
	void oneMebibyteValuesAndOneHundredThousandKeysLoadAndFollow() {
		char[] big = new char[1024 * 1024];
		Arrays.fill(big, 'x');
		this.keys.put("/config/big/one", new String(big));
		this.keys.put("/config/big/two", new String(big));
		String[] batch = new String[200];
		for (int i = 0; i < 100_000; i += 100) {
			for (int j = 0; j < 100; j++) {
				batch[2 * j] = "/config/many/key-" + (i + j);
				batch[2 * j + 1] = "value-" + (i + j);
			}
			this.keys.putAll(batch);
		}
		long start = System.nanoTime();
		try (FollowingApp app = new FollowingApp(etcd.cluster().endpointsProperty(), "etcd.request-timeout=10s")) {
			Duration load = Duration.ofNanos(System.nanoTime() - start);
			assertThat(app.watcher().getStore().getSnapshot().getKeyCount()).isEqualTo(100_002);
			assertThat(app.property("big.one")).hasSize(1024 * 1024);
			big[0] = 'y';
			long changed = System.nanoTime();
			this.keys.put("/config/big/two", new String(big));
			this.keys.put("/config/many/key-99999", "changed");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "changed".equals(app.property("many.key-99999"))
						&& app.property("big.two").startsWith("y"));
			ReliabilityReport.record("7b", "1 MiB values and 100,000 keys",
					"two 1 MiB values and 100,000 keys loaded (pages adapt to stay near 1 MiB), then one of each "
							+ "changed",
					100_004, 0, Duration.ofNanos(System.nanoTime() - changed),
					"all of them; the application started in " + load.toMillis() + " ms");
		}
	}

	@Test
	void oddCharactersInKeysAreMappedOrSkippedWithAWarning(CapturedOutput output) {
		this.keys.put("/config/ünïcødé/kéy", "unicode");
		this.keys.put("/config/emoji/😀", "emoji");
		this.keys.put("/config/with:colon", "colon");
		this.keys.put("/config/list[0]", "indexed");
		this.keys.put("/config/with space", "skipped");
		this.keys.put("/config/tab\tkey", "skipped");
		this.keys.put("/config/empty//segment", "skipped");
		try (FollowingApp app = new FollowingApp(etcd.cluster().endpointsProperty())) {
			assertThat(app.property("ünïcødé.kéy")).isEqualTo("unicode");
			assertThat(app.property("emoji.😀")).isEqualTo("emoji");
			assertThat(app.property("with:colon")).isEqualTo("colon");
			assertThat(app.property("list[0]")).isEqualTo("indexed");
			assertThat(output).contains("/config/with space").contains("/config/empty//segment");
			ReliabilityReport.record("7c", "Odd characters in keys",
					"keys with accents, emoji, ':', '[0]', spaces, tabs and empty segments", 7, 0, null,
					"the first four as properties with those characters; the other three skipped with a WARN "
							+ "naming the key");
		}
	}

	@Test
	void keysThatCollideAfterMappingHaveADeterministicWinner() {
		this.keys.put("/config/a.b", "dot");
		this.keys.put("/config/a/b", "slash");
		try (FollowingApp app = new FollowingApp(etcd.cluster().endpointsProperty())) {
			assertThat(app.property("a.b")).isEqualTo("slash");
			this.keys.delete("/config/a/b");
			await().atMost(Duration.ofSeconds(10)).until(() -> "dot".equals(app.property("a.b")));
			ReliabilityReport.record("7d", "Keys that collide after mapping",
					"/config/a/b and /config/a.b both map to a.b; then /config/a/b deleted", 3, 0, null,
					"a.b from the key that sorts last byte-wise (/config/a/b), then from /config/a.b once it was "
							+ "deleted");
		}
	}

}
