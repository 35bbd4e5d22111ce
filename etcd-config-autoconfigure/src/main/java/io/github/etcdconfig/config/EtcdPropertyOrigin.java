package io.github.etcdconfig.config;

import java.util.Objects;

import org.springframework.boot.origin.Origin;

/**
 * Where a property came from: an etcd key and the revision that last wrote it. Shown by
 * /actuator/env and in binding errors, for example "etcd key /config/api/timeout
 * (revision 42)".
 *
 * @param key the etcd key
 * @param modRevision the revision that last wrote the key
 */
public record EtcdPropertyOrigin(String key, long modRevision) implements Origin {

	public EtcdPropertyOrigin {
		Objects.requireNonNull(key, "key");
	}

	static String describe(String key, long modRevision) {
		return "etcd key " + key + " (revision " + modRevision + ")";
	}

	@Override
	public String toString() {
		return describe(this.key, this.modRevision);
	}

}
