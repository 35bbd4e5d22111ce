package io.github.etcdconfig.benchmarks;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the {@link ProbeApplication} the ways the benchmarks compare.
 */
final class Apps {

	enum Mode {

		/** etcd-config: loaded at start-up, followed by its watcher, applied in place. */
		ETCD_CONFIG,

		/**
		 * The same application with {@code etcd.config.enabled=false}: no etcd at all.
		 */
		DISABLED,

		/**
		 * The stock Spring Cloud way: a full {@code ContextRefresher.refresh()} on every
		 * etcd event.
		 */
		FULL_REFRESH

	}

	private Apps() {
	}

	static ConfigurableApplicationContext start(Mode mode, String endpoints, String... more) {
		return start(mode, endpoints, List.of(), more);
	}

	static ConfigurableApplicationContext start(Mode mode, String endpoints, List<Class<?>> extra, String... more) {
		// Not registered in etcd-discovery's registry unless asked (the verification
		// benchmark): a registration's writes are no part of what the others measure.
		List<String> properties = new ArrayList<>(List.of("spring.main.banner-mode=off", "logging.level.root=warn",
				"spring.main.register-shutdown-hook=false", "etcd.endpoints=" + endpoints,
				"etcd.discovery.enabled=false"));
		properties.addAll(List.of(more));
		List<Class<?>> sources = new ArrayList<>(List.of(ProbeApplication.class));
		sources.addAll(extra);
		if (mode != Mode.ETCD_CONFIG) {
			properties.add("etcd.config.enabled=false");
		}
		if (mode == Mode.FULL_REFRESH) {
			properties.add(StockEtcdEnvironmentPostProcessor.ENDPOINTS + "=" + endpoints);
			sources.add(StockEtcdWatch.class);
		}
		return new SpringApplicationBuilder(sources.toArray(Class<?>[]::new)).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

}
