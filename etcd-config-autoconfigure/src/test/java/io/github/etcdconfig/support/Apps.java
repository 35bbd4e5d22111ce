package io.github.etcdconfig.support;

import io.github.etcdconfig.test.EtcdCluster;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts applications against a test etcd.
 */
public final class Apps {

	private Apps() {
	}

	/**
	 * Run an application pointed at the cluster, with fast retries so failure tests stay short.
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
	 * An application builder with the test application, no web server and no banner; later properties win.
	 */
	public static SpringApplicationBuilder builder(Class<?>[] sources, String... properties) {
		return new SpringApplicationBuilder(TestApplication.class).sources(sources)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "etcd.config.retry.max-retries=1",
					"etcd.config.retry.delay=50ms", "etcd.request-timeout=2s")
			.properties(properties);
	}

}
