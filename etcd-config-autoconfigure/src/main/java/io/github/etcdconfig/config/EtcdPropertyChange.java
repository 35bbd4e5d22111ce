package io.github.etcdconfig.config;

/**
 * The change of one property's effective value.
 *
 * @param name the property name
 * @param oldValue the value before, {@code null} when the property is new
 * @param newValue the value after, {@code null} when the property was removed
 * @param key the etcd key that provides the new value, or provided the old one
 */
public record EtcdPropertyChange(String name, Object oldValue, Object newValue, String key) {

	public boolean isRemoval() {
		return this.newValue == null;
	}

	@Override
	public String toString() {
		// Values may be secrets.
		return this.name + " (" + this.key + ")"
				+ (isRemoval() ? " removed" : (this.oldValue == null) ? " added" : " changed");
	}

}
