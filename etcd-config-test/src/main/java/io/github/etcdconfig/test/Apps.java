package io.github.etcdconfig.test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts a {@link TestApplication} against a test etcd: no banner, fast failures (a 2 s
 * request timeout, one retry after 50 ms, so failure tests stay short), registered on the
 * loopback address (the only one tests may call) when discovery is on the class path.
 * Later properties win.
 */
public final class Apps {

	private Apps() {
	}

	/**
	 * Run an application without a web server.
	 * @param etcd the cluster
	 * @param sources configuration classes and beans besides {@link TestApplication}
	 * @param properties more properties, name=value
	 * @return the running context
	 */
	public static ConfigurableApplicationContext run(EtcdCluster etcd, Class<?>[] sources, String... properties) {
		return builder(etcd, WebApplicationType.NONE, sources, properties).run();
	}

	/**
	 * Run an application without a web server.
	 * @param etcd the cluster
	 * @param properties more properties, name=value
	 * @return the running context
	 */
	public static ConfigurableApplicationContext run(EtcdCluster etcd, String... properties) {
		return run(etcd, new Class<?>[0], properties);
	}

	/**
	 * Run an application without a web server, named {@code name}.
	 * @param endpoints the etcd endpoints, as etcd.endpoints takes them
	 * @param name spring.application.name
	 * @param sources configuration classes and beans besides {@link TestApplication}
	 * @param properties more properties, name=value
	 * @return the running context
	 */
	public static ConfigurableApplicationContext run(String endpoints, String name, Class<?>[] sources,
			String... properties) {
		return builder(sources, "etcd.endpoints=" + endpoints, "spring.application.name=" + name).properties(properties)
			.run();
	}

	/**
	 * Run a web application on a free port, named {@code name}.
	 * @param etcd the cluster
	 * @param name spring.application.name
	 * @param sources configuration classes and beans besides {@link TestApplication}
	 * @param properties more properties, name=value
	 * @return the running context
	 */
	public static ConfigurableApplicationContext web(EtcdCluster etcd, String name, Class<?>[] sources,
			String... properties) {
		return builder(etcd, WebApplicationType.SERVLET, sources, "server.port=0", "spring.application.name=" + name)
			.properties(properties)
			.run();
	}

	/**
	 * Run a web application on a free port, named {@code name}.
	 * @param etcd the cluster
	 * @param name spring.application.name
	 * @param properties more properties, name=value
	 * @return the running context
	 */
	public static ConfigurableApplicationContext web(EtcdCluster etcd, String name, String... properties) {
		return web(etcd, name, new Class<?>[0], properties);
	}

	/**
	 * An application builder pointed at a cluster.
	 * @param etcd the cluster
	 * @param type the kind of application
	 * @param sources configuration classes and beans besides {@link TestApplication}
	 * @param properties more properties, name=value
	 * @return the builder
	 */
	public static SpringApplicationBuilder builder(EtcdCluster etcd, WebApplicationType type, Class<?>[] sources,
			String... properties) {
		return builder(sources, "etcd.endpoints=" + etcd.endpointsProperty()).web(type).properties(properties);
	}

	/**
	 * An application builder without a web server, pointed at no etcd unless a property
	 * says where.
	 * @param sources configuration classes and beans besides {@link TestApplication}
	 * @param properties more properties, name=value
	 * @return the builder
	 */
	public static SpringApplicationBuilder builder(Class<?>[] sources, String... properties) {
		return new SpringApplicationBuilder(TestApplication.class).sources(sources)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "etcd.request-timeout=2s", "etcd.config.retry.max-retries=1",
					"etcd.config.retry.delay=50ms", "etcd.discovery.host=127.0.0.1")
			.properties(properties);
	}

}
