package io.github.etcdconfig.release.support;

import io.github.etcdconfig.config.EtcdConfigStores;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs instances of an application against a test etcd: configuration from etcd,
 * registered on the loopback address.
 */
public final class Apps {

	private Apps() {
	}

	/**
	 * Run an instance.
	 * @param endpoints the etcd endpoints
	 * @param name spring.application.name
	 * @param properties more properties, name=value
	 * @return the running context
	 */
	public static ConfigurableApplicationContext run(String endpoints, String name, String... properties) {
		return new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "etcd.endpoints=" + endpoints, "etcd.request-timeout=2s",
					"spring.application.name=" + name, "etcd.discovery.host=127.0.0.1",
					"etcd.discovery.config-status-interval=100ms")
			.properties(properties)
			.run();
	}

	/**
	 * The etcd revision an instance has read up to.
	 * @param app the instance
	 * @return the revision
	 */
	public static long revision(ConfigurableApplicationContext app) {
		return app.getBean(EtcdConfigStores.class).getStores().get(0).getSnapshot().getRevision();
	}

}
