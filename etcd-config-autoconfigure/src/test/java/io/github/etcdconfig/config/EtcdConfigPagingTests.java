package io.github.etcdconfig.config;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.ranges.EtcdConfigReader;
import io.github.etcdconfig.ranges.EtcdKeyRange;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A large prefix loads in pages, all pinned to the first page's revision.
 */
class EtcdConfigPagingTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@AutoClose
	static EtcdKeys keys;

	@BeforeAll
	static void seed() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		String[] batch = new String[200];
		for (int i = 0; i < 10_000; i += 100) {
			for (int j = 0; j < 100; j++) {
				batch[2 * j] = "/config/bulk/key-" + (i + j);
				batch[2 * j + 1] = "value-" + (i + j);
			}
			keys.putAll(batch);
		}
	}

	@Test
	void tenThousandKeysLoadInPages() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "etcd.config.page-size=100")) {
			EtcdConfigStore store = context.getBean(EtcdConfigStores.class).getStores().get(0);
			assertThat(store.getSnapshot().getKeyCount()).isEqualTo(10_000);
			assertThat(context.getEnvironment().getProperty("bulk.key-0")).isEqualTo("value-0");
			assertThat(context.getEnvironment().getProperty("bulk.key-9999")).isEqualTo("value-9999");
		}
	}

	@Test
	void everyPageIsReadAtTheFirstPagesRevisionWhileKeysChange() throws Exception {
		AtomicBoolean writing = new AtomicBoolean(true);
		Client writerClient = etcd.cluster().newClient();
		EtcdKeys writer = new EtcdKeys(writerClient);
		CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
			// Rewrites the same values, so other tests see the same content at newer
			// revisions.
			int i = 0;
			while (writing.get()) {
				int key = 9_999 - (i++ % 10_000);
				writer.put("/config/bulk/key-" + key, "value-" + key);
			}
		});
		try (Client client = etcd.cluster().newClient()) {
			for (int round = 0; round < 3; round++) {
				EtcdConfigReader.Result result = new EtcdConfigReader(client.getKVClient(), Duration.ofSeconds(5), 50)
					.read(java.util.List.of(EtcdKeyRange.prefix("/config/")));
				assertThat(result.keys()).hasSize(10_000);
				assertThat(result.keys()).allMatch((key) -> key.modRevision() <= result.revision());
			}
		}
		finally {
			writing.set(false);
			writes.get();
			writerClient.close();
		}
	}

}
