package io.github.etcdconfig.lock;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Lock;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.integration.support.locks.LockRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * In an application, the locks are beans: {@link EtcdLocks}, and Spring Integration's
 * {@link LockRegistry} when it is on the classpath.
 */
class EtcdLockRegistryTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static ConfigurableApplicationContext app;

	static EtcdKeys keys;

	@BeforeAll
	static void start() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		app = Apps.run(etcd.cluster(), new Class<?>[] { LostLocks.class },
				"spring.cloud.service-registry.auto-registration.enabled=false", "etcd.lock.prefix=/app-locks/",
				"etcd.lock.ttl=3s");
	}

	@AfterAll
	static void stop() {
		app.close();
		keys.close();
	}

	@Test
	void springIntegrationsLockRegistryIsBackedByEtcd() throws Exception {
		LockRegistry<?> registry = app.getBean(LockRegistry.class);
		assertThat(registry).isInstanceOf(EtcdLockRegistry.class);
		Lock lock = registry.obtain("invoices");
		assertThat(lock).isSameAs(app.getBean(EtcdLocks.class).obtain("invoices"));
		int contenders = registry.executeLocked("invoices", () -> keys.keyValues("/app-locks/invoices/").size());
		assertThat(contenders).isEqualTo(1);
		assertThat(keys.keyValues("/app-locks/invoices/")).isEmpty();
	}

	@Test
	void aLostLockIsPublishedAsAnApplicationEvent() {
		EtcdLock lock = app.getBean(EtcdLocks.class).obtain("published");
		lock.lock();
		keys.revoke(keys.keyValues("/app-locks/published/").get(0).getLease());
		LostLocks lost = app.getBean(LostLocks.class);
		await().atMost(Duration.ofSeconds(3)).until(() -> lost.keys.contains("published"));
		assertThatExceptionOfType(EtcdLockLostException.class).isThrownBy(lock::unlock);
	}

	static class LostLocks {

		final List<String> keys = new CopyOnWriteArrayList<>();

		@EventListener
		void lost(EtcdLockLostEvent event) {
			this.keys.add(event.getKey());
		}

	}

}
