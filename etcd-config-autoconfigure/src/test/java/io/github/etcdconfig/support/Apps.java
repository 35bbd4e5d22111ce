package io.github.etcdconfig.support;

import java.time.Duration;

import io.github.etcdconfig.refresh.EtcdConfigRefresher;
import io.github.etcdconfig.refresh.EtcdConfigRefresher.LastRefresh;
import io.github.etcdconfig.test.EtcdCluster;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * Starts applications against a test etcd.
 */
public final class Apps {

	private Apps() {
	}

	/**
	 * Run an application pointed at the cluster, with fast retries so failure tests stay
	 * short.
	 * @param etcd the cluster
	 * @param sources configuration classes besides {@link TestApplication}
	 * @param properties extra properties, name=value
	 * @return the running context
	 */
	public static ConfigurableApplicationContext run(EtcdCluster etcd, Class<?>[] sources, String... properties) {
		return builder(sources, "etcd.endpoints=" + etcd.endpointsProperty()).properties(properties).run();
	}

	public static ConfigurableApplicationContext run(EtcdCluster etcd, String... properties) {
		return run(etcd, new Class<?>[0], properties);
	}

	/**
	 * Wait until the application has applied an etcd revision or a later one: its
	 * Environment, beans and {@code @RefreshScope} hold the change.
	 * @param context the running application
	 * @param revision the revision, as a put returned it
	 */
	public static void awaitApplied(ConfigurableApplicationContext context, long revision) {
		EtcdConfigRefresher refresher = context.getBean(EtcdConfigRefresher.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			LastRefresh last = refresher.getLastRefresh();
			return last != null && last.revision() >= revision;
		});
	}

	/**
	 * An application builder with the test application, no web server and no banner;
	 * later properties win.
	 */
	public static SpringApplicationBuilder builder(Class<?>[] sources, String... properties) {
		return new SpringApplicationBuilder(TestApplication.class).sources(sources)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "etcd.config.retry.max-retries=1",
					"etcd.config.retry.delay=50ms", "etcd.request-timeout=2s")
			.properties(properties);
	}

}
