package io.github.etcdconfig.support;

import java.time.Duration;

import io.github.etcdconfig.refresh.EtcdConfigRefresher;
import io.github.etcdconfig.refresh.EtcdConfigRefresher.LastRefresh;

import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * Waits until an application has applied an etcd revision.
 */
public final class Applied {

	private Applied() {
	}

	/**
	 * Wait until the application has applied an etcd revision or a later one: its
	 * Environment, beans and {@code @RefreshScope} hold the change.
	 * @param context the running application
	 * @param revision the revision, as a put returned it
	 */
	public static void awaitRevision(ConfigurableApplicationContext context, long revision) {
		EtcdConfigRefresher refresher = context.getBean(EtcdConfigRefresher.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			LastRefresh last = refresher.getLastRefresh();
			return last != null && last.revision() >= revision;
		});
	}

}
