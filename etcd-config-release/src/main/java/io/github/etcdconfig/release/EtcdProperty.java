package io.github.etcdconfig.release;

/**
 * One property as an application sees it, and where it comes from. {@link #toString()}
 * never shows the value.
 *
 * @param name the property name
 * @param value its value: text, or a number or boolean from a YAML document
 * @param key the etcd key it comes from
 * @param revision the revision that last wrote that key
 * @param layer the prefix of the layer of that key
 */
public record EtcdProperty(String name, Object value, String key, long revision, String layer) {

	@Override
	public String toString() {
		return this.name + " (" + this.key + " at revision " + this.revision + ")";
	}

}
