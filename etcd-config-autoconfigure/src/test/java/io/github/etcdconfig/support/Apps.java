package io.github.etcdconfig.support;

import java.util.ArrayList;
import java.util.List;

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
		List<String> all = new ArrayList<>();
		all.add("etcd.endpoints=" + etcd.endpointsProperty());
		all.addAll(List.of(properties));
		return builder(sources, all.toArray(String[]::new)).run();
	}

	public static ConfigurableApplicationContext run(EtcdCluster etcd, String... properties) {
		return run(etcd, new Class<?>[0], properties);
	}

	/**
	 * An application builder with the test application, no web server and no banner.
	 */
	public static SpringApplicationBuilder builder(Class<?>[] sources, String... properties) {
		Class<?>[] all = new Class<?>[sources.length + 1];
		all[0] = TestApplication.class;
		System.arraycopy(sources, 0, all, 1, sources.length);
		List<String> defaults = new ArrayList<>(List.of("spring.main.banner-mode=off",
				"etcd.config.retry.max-retries=1", "etcd.config.retry.delay=50ms", "etcd.request-timeout=2s"));
		defaults.addAll(List.of(properties));
		return new SpringApplicationBuilder(all).web(WebApplicationType.NONE)
			.properties(defaults.toArray(String[]::new));
	}

}
