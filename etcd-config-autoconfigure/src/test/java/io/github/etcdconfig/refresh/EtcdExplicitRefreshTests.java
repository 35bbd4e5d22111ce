package io.github.etcdconfig.refresh;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without the watch, /actuator/refresh (ContextRefresher) is how etcd's changes arrive:
 * it reads etcd again.
 */
class EtcdExplicitRefreshTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@Test
	void withTheWatchOffAnExplicitRefreshReadsEtcdAgain() {
		EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config/manual/value", "before");
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "etcd.config.watch.enabled=false")) {
			keys.put("/config/manual/value", "after");
			keys.put("/config/manual/added", "new");
			assertThat(context.getEnvironment().getProperty("manual.value")).isEqualTo("before");
			assertThat(context.getBean(ContextRefresher.class).refresh()).contains("manual.value", "manual.added");
			assertThat(context.getEnvironment().getProperty("manual.value")).isEqualTo("after");
			assertThat(context.getEnvironment().getProperty("manual.added")).isEqualTo("new");
		}
		finally {
			keys.client().close();
		}
	}

}
