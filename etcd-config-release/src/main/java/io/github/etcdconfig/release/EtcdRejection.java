package io.github.etcdconfig.release;

import java.util.List;

/**
 * A revision an instance refused to apply, as its registration reports it
 * ({@code config.rejected}): binding, validating or converting a property failed, or a
 * placeholder could not be resolved. The instance keeps its old values; the report clears
 * once a later revision applies cleanly.
 *
 * @param revision the etcd revision refused
 * @param properties the properties refused, with the reasons
 */
public record EtcdRejection(long revision, List<EtcdPropertyReason> properties) {

	public EtcdRejection {
		properties = List.copyOf(properties);
	}

}
