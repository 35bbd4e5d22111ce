package io.github.etcdconfig.support;

import io.github.etcdconfig.test.EtcdCluster;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts applications against a test etcd, registered on the loopback address (the only
 * one tests may call).
 */
public final class Apps {

	private Apps() {
	}

	/**
	 * Run a web application on a free port, named {@code name}.
	 * @param etcd the cluster
	 * @param name spring.application.name
	 * @param sources configuration classes besides {@link TestApplication}
	 * @param properties extra properties, name=value
	 * @return the running context
	 */
	public static ConfigurableApplicationContext web(EtcdCluster etcd, String name, Class<?>[] sources,
			String... properties) {
		return builder(etcd, WebApplicationType.SERVLET, sources, "server.port=0", "spring.application.name=" + name)
			.properties(properties)
			.run();
	}

	public static ConfigurableApplicationContext web(EtcdCluster etcd, String name, String... properties) {
		return web(etcd, name, new Class<?>[0], properties);
	}

	/**
	 * Run an application without a web server.
	 */
	public static ConfigurableApplicationContext plain(EtcdCluster etcd, Class<?>[] sources, String... properties) {
		return builder(etcd, WebApplicationType.NONE, sources, properties).run();
	}

	public static ConfigurableApplicationContext plain(EtcdCluster etcd, String... properties) {
		return plain(etcd, new Class<?>[0], properties);
	}

	/**
	 * An application builder with the test application and fast failure settings; later
	 * properties win.
	 */
	public static SpringApplicationBuilder builder(EtcdCluster etcd, WebApplicationType type, Class<?>[] sources,
			String... properties) {
		return new SpringApplicationBuilder(TestApplication.class).sources(sources)
			.web(type)
			.properties("spring.main.banner-mode=off", "etcd.endpoints=" + etcd.endpointsProperty(),
					"etcd.request-timeout=2s", "etcd.config.retry.max-retries=1", "etcd.config.retry.delay=50ms",
					"etcd.discovery.host=127.0.0.1")
			.properties(properties);
	}

}
