package io.github.etcdconfig.config;

import java.util.Map;

/**
 * Who this instance is to a staged rollout: the id and metadata it registers with, which
 * an {@link EtcdRolloutSelector} matches. Set by service registration
 * ({@link EtcdConfigStores#setIdentity}); until then the instance matches no selector.
 *
 * @param id the instance id, as registered
 * @param metadata the registry metadata
 */
public record EtcdInstanceIdentity(String id, Map<String, String> metadata) {

	public EtcdInstanceIdentity {
		metadata = Map.copyOf(metadata);
	}

	/**
	 * Whether a selector admits this instance.
	 * @param selector the selector
	 * @return whether it matches
	 */
	public boolean matches(EtcdRolloutSelector selector) {
		return selector.matches(this.id, this.metadata);
	}

}
