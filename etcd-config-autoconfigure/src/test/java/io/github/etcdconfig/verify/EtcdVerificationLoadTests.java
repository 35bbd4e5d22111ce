package io.github.etcdconfig.verify;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.support.ShopBeans;
import io.github.etcdconfig.support.ShopProperties;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Judging proposals does nothing observable to the live values and beans: threads that
 * read all the time never see a proposed value, whether the proposal is accepted or
 * rejected.
 */
class EtcdVerificationLoadTests {

	private static final String LAYER = "/config-apps/loaded/";

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@Test
	void readersSeeNoChangedValueWhileProposalsAreJudged() throws Exception {
		EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient());
		keys.deletePrefix(LAYER);
		keys.putAll(LAYER + "shop/name", "corner", LAYER + "shop/pool-size", "6", LAYER + "shop/timeout", "3s",
				LAYER + "shop/retries", "2", LAYER + "shop/ports/0", "81");
		try (keys;
				ConfigurableApplicationContext context = Apps.run(etcd.cluster(), new Class<?>[] { ShopBeans.class },
						"spring.application.name=loaded")) {
			ShopProperties shop = context.getBean(ShopProperties.class);
			ShopBeans.ShopValues values = context.getBean(ShopBeans.ShopValues.class);
			Environment environment = context.getEnvironment();
			AtomicBoolean reading = new AtomicBoolean(true);
			AtomicLong reads = new AtomicLong();
			AtomicLong changed = new AtomicLong();
			Runnable reader = () -> {
				while (reading.get()) {
					boolean same = shop.getPoolSize() == 6 && "corner".equals(shop.getName())
							&& Duration.ofSeconds(3).equals(shop.getTimeout()) && shop.getPorts().equals(List.of(81))
							&& shop.getMode() == ShopProperties.Mode.FAST && values.retries == 2
							&& "hello".equals(values.greeting) && "6".equals(environment.getProperty("shop.pool-size"))
							&& "corner".equals(environment.getProperty("shop.name"))
							&& Objects.equals(environment.getProperty("shop.mode"), null);
					reads.incrementAndGet();
					if (!same) {
						changed.incrementAndGet();
					}
				}
			};
			Thread[] readers = { new Thread(reader, "reader-1"), new Thread(reader, "reader-2") };
			for (Thread thread : readers) {
				thread.start();
			}
			ShopBeans.Verdicts verdicts = context.getBean(ShopBeans.Verdicts.class);
			int accepted = 0;
			for (int i = 0; i < 40; i++) {
				String id = EtcdProposalVerificationTests.id();
				Map<String, String> puts = (i % 2 == 0)
						? Map.of(LAYER + "shop/pool-size", Integer.toString(7 + i), LAYER + "shop/name", "p" + i,
								LAYER + "shop/mode", "SAFE", LAYER + "shop/retries", "9", LAYER + "shop/greeting", "hi",
								LAYER + "shop/ports/0", "9" + i, LAYER + "shop/ports/1", "99")
						: Map.of(LAYER + "shop/pool-size", "bad", LAYER + "shop/timeout", "later");
				List<String> deletes = (i % 4 == 0) ? List.of(LAYER + "shop/timeout") : List.of();
				keys.put("/config-proposals" + LAYER + id,
						EtcdProposalVerificationTests.json(id, LAYER, puts, deletes));
				await().atMost(Duration.ofSeconds(10)).until(() -> verdicts.of(id) != null);
				if (verdicts.of(id).verdict() == EtcdConfigVerdict.Verdict.ACCEPTED) {
					accepted++;
				}
			}
			reading.set(false);
			for (Thread thread : readers) {
				thread.join();
			}
			assertThat(accepted).isEqualTo(20);
			assertThat(reads.get()).isGreaterThan(1000);
			assertThat(changed.get()).isZero();
		}
	}

}
