package io.github.etcdconfig.release;

/**
 * The change of one etcd key in a release. {@link #toString()} never shows values, which
 * may be secrets.
 *
 * @param key the etcd key
 * @param name the property it holds, or {@code null} for a document key (a whole YAML or
 * properties document)
 * @param type added, changed or removed
 * @param oldValue the value before, {@code null} when the key is added
 * @param newValue the value after, {@code null} when the key is removed
 */
public record EtcdKeyChange(String key, String name, Type type, String oldValue, String newValue) {

	/**
	 * What happens to a key.
	 */
	public enum Type {

		/** The key is new. */
		ADDED,

		/** The key gets another value. */
		CHANGED,

		/** The key is deleted. */
		REMOVED

	}

	/**
	 * The change that brings a key from one value to another.
	 * @param key the key
	 * @param name its property name, or {@code null} for a document key
	 * @param oldValue the value before, {@code null} when absent
	 * @param newValue the value after, {@code null} when absent
	 * @return the change, or {@code null} when there is none
	 */
	static EtcdKeyChange of(String key, String name, String oldValue, String newValue) {
		if (oldValue == null) {
			return (newValue != null) ? new EtcdKeyChange(key, name, Type.ADDED, null, newValue) : null;
		}
		if (newValue == null) {
			return new EtcdKeyChange(key, name, Type.REMOVED, oldValue, null);
		}
		return oldValue.equals(newValue) ? null : new EtcdKeyChange(key, name, Type.CHANGED, oldValue, newValue);
	}

	@Override
	public String toString() {
		return this.type + " " + this.key;
	}

}
