package io.github.etcdconfig.refresh;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.support.ChangeRecorder;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bursts coalesce: many puts make few refreshes and end in the exact final state.
 */
class EtcdBurstTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@Test
	void twoThousandPutsAsFastAsTheClientCanSendEndInAtMost100RefreshesAndTheExactFinalState() {
		EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config/burst/marker", "start");
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), new Class<?>[] { Beans.class });
				Client writer = etcd.cluster().newClient()) {
			ChangeRecorder recorder = context.getBean(ChangeRecorder.class);
			List<CompletableFuture<?>> puts = new ArrayList<>();
			for (int i = 0; i < 2_000; i++) {
				puts.add(writer.getKVClient()
					.put(ByteSequence.from("/config/burst/key-" + (i % 200), StandardCharsets.UTF_8),
							ByteSequence.from("value-" + i, StandardCharsets.UTF_8)));
			}
			puts.forEach(EtcdKeys::await);
			// Concurrent puts reach etcd in no fixed order: the final state is what etcd
			// holds now.
			Map<String, String> expected = keys.values("/config/burst/key-");
			assertThat(expected).hasSize(200);
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(
						() -> expected.forEach((key,
								value) -> assertThat(context.getEnvironment()
									.getProperty(key.substring("/config/".length()).replace('/', '.')))
									.isEqualTo(value)));
			assertThat(recorder.changes()).hasSizeLessThanOrEqualTo(100);
		}
		finally {
			keys.client().close();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@Import(ChangeRecorder.class)
	static class Beans {

	}

}
