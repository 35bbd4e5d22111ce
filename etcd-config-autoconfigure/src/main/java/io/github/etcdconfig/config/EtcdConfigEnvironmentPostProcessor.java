package io.github.etcdconfig.config;

import java.util.Arrays;

import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Loads etcd with nothing but the starter on the classpath. Runs right after Spring
 * Boot's config data, so {@code etcd.*} settings from application.yml,
 * spring.application.name and the active profiles are known, and places the etcd source
 * above every config file but below command-line arguments, system properties and
 * environment variables. Does nothing when {@code etcd.config.enabled=false} or when an
 * explicit {@code spring.config.import=etcd:} already added the source. During AOT
 * processing at build time it reads no setting and no etcd, and only defines the stores,
 * so that the watchers, the health indicator, the endpoint and the metrics are processed
 * too.
 */
public class EtcdConfigEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** Right after config data. */
	public static final int ORDER = ConfigDataEnvironmentPostProcessor.ORDER + 1;

	private final Log log;

	private final ConfigurableBootstrapContext bootstrapContext;

	public EtcdConfigEnvironmentPostProcessor(DeferredLogFactory logFactory,
			ConfigurableBootstrapContext bootstrapContext) {
		this.log = logFactory.getLog(EtcdConfigStores.class);
		this.bootstrapContext = bootstrapContext;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Binder binder = Binder.get(environment);
		boolean enabled = binder.bind(EtcdConfigProperties.PREFIX + ".enabled", Boolean.class).orElse(true);
		MutablePropertySources sources = environment.getPropertySources();
		if (!enabled || sources.stream().anyMatch(EtcdPropertySource.class::isInstance)) {
			return;
		}
		EtcdConfigStores stores = EtcdConfigStores.get(this.bootstrapContext);
		if (EtcdConfigStores.isAotProcessing()) {
			this.log.info("AOT processing: etcd is not read at build time; the application reads it when it starts");
			return;
		}
		String[] profiles = (environment.getActiveProfiles().length > 0) ? environment.getActiveProfiles()
				: environment.getDefaultProfiles();
		EtcdConfigDataResource resource = EtcdConfigDataResource.create(binder, "", Arrays.asList(profiles), false);
		PropertySource<?> source = stores.load(resource, this.log).createPropertySource();
		if (sources.contains(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
			sources.addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, source);
		}
		else if (sources.contains(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME)) {
			sources.addAfter(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, source);
		}
		else {
			sources.addFirst(source);
		}
	}

}
