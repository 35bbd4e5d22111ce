package io.github.etcdconfig.release;

import java.util.List;

/**
 * What changed in a layer after a release was read: why publishing it was a conflict.
 *
 * @param layer the layer
 * @param releases the releases published meanwhile, newest first
 * @param outside properties whose keys were written meanwhile outside releases (such as
 * with etcdctl); a key deleted outside a release leaves no property
 */
public record EtcdChangesSince(EtcdLayer layer, List<EtcdRelease> releases, List<EtcdProperty> outside) {

	public EtcdChangesSince {
		releases = List.copyOf(releases);
		outside = List.copyOf(outside);
	}

}
