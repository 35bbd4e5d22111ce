package io.github.etcdconfig.config;

import java.util.List;

import org.apache.commons.logging.Log;

import org.springframework.boot.context.config.ConfigData;
import org.springframework.boot.context.config.ConfigDataLoader;
import org.springframework.boot.context.config.ConfigDataLoaderContext;
import org.springframework.boot.logging.DeferredLogFactory;

/**
 * Loads an {@link EtcdConfigDataResource} through {@link EtcdConfigStores}, the same path
 * the zero-config {@link EtcdConfigEnvironmentPostProcessor} takes.
 */
public class EtcdConfigDataLoader implements ConfigDataLoader<EtcdConfigDataResource> {

	private final Log log;

	public EtcdConfigDataLoader(DeferredLogFactory logFactory) {
		this.log = logFactory.getLog(EtcdConfigStores.class);
	}

	@Override
	public ConfigData load(ConfigDataLoaderContext context, EtcdConfigDataResource resource) {
		EtcdConfigStore store = EtcdConfigStores.get(context.getBootstrapContext()).load(resource, this.log);
		// etcd keys can neither import more configuration nor switch profiles.
		return new ConfigData(List.of(store.createPropertySource()), ConfigData.Option.IGNORE_IMPORTS,
				ConfigData.Option.IGNORE_PROFILES);
	}

}
