package io.github.etcdconfig.refresh;

import java.util.List;

/**
 * A revision an instance did not apply, and the properties that stopped it. While an
 * instance holds one, it keeps the values of the last revision it applied.
 *
 * @param revision the etcd revision that was rejected
 * @param properties the properties that failed, with their reasons (never their values)
 */
public record EtcdConfigRejection(long revision, List<EtcdRejectedProperty> properties) {

	public EtcdConfigRejection {
		properties = List.copyOf(properties);
	}

	@Override
	public String toString() {
		return "revision " + this.revision + " rejected: " + this.properties;
	}

}
