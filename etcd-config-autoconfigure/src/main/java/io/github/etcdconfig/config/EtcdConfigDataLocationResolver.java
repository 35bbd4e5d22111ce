package io.github.etcdconfig.config;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.config.ConfigDataLocationResolver;
import org.springframework.boot.context.config.ConfigDataLocationResolverContext;
import org.springframework.boot.context.config.Profiles;
import org.springframework.core.Ordered;

/**
 * Resolves {@code spring.config.import=etcd:} (or {@code optional:etcd:}) into an
 * {@link EtcdConfigDataResource}. Resolution waits for the profiles, because prefixes may
 * name them. During AOT processing at build time it resolves to nothing, so etcd is not
 * read.
 */
public class EtcdConfigDataLocationResolver implements ConfigDataLocationResolver<EtcdConfigDataResource>, Ordered {

	@Override
	public int getOrder() {
		return -1;
	}

	@Override
	public boolean isResolvable(ConfigDataLocationResolverContext context, ConfigDataLocation location) {
		return location.hasPrefix(EtcdConfigDataResource.LOCATION_PREFIX);
	}

	@Override
	public List<EtcdConfigDataResource> resolve(ConfigDataLocationResolverContext context,
			ConfigDataLocation location) {
		return Collections.emptyList();
	}

	@Override
	public List<EtcdConfigDataResource> resolveProfileSpecific(ConfigDataLocationResolverContext context,
			ConfigDataLocation location, Profiles profiles) {
		boolean enabled = context.getBinder()
			.bind(EtcdConfigProperties.PREFIX + ".enabled", Boolean.class)
			.orElse(true);
		if (!enabled || EtcdConfigStores.isAotProcessing()) {
			// At build time the post-processor defines the stores without reading
			// settings or etcd.
			return Collections.emptyList();
		}
		String value = location.getNonPrefixedValue(EtcdConfigDataResource.LOCATION_PREFIX);
		List<String> active = profiles.getActive().isEmpty()
				? Arrays.asList(profiles.getDefault().toArray(String[]::new)) : profiles.getActive();
		return List.of(EtcdConfigDataResource.create(context.getBinder(), value, active, location.isOptional()));
	}

}
