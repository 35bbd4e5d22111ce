package io.github.etcdconfig.release;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.etcdconfig.config.EtcdPropertyChange;

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
 * @param properties for a document key, the properties it changes as an application of
 * the layer reads them, worked out once when the change is computed; none for a plain key
 */
public record EtcdKeyChange(String key, String name, Type type, String oldValue, String newValue,
		@JsonInclude(JsonInclude.Include.NON_EMPTY) List<EtcdPropertyChange> properties) {

	public EtcdKeyChange {
		properties = (properties != null) ? List.copyOf(properties) : List.of();
	}

	/**
	 * The change of a key whose properties are not worked out: a plain key.
	 * @param key the etcd key
	 * @param name the property it holds
	 * @param type added, changed or removed
	 * @param oldValue the value before
	 * @param newValue the value after
	 */
	public EtcdKeyChange(String key, String name, Type type, String oldValue, String newValue) {
		this(key, name, type, oldValue, newValue, List.of());
	}

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
	 * The change that brings a key of a layer from one value to another; for a document
	 * key, with the properties it changes.
	 * @param layer the layer of the key
	 * @param key the key
	 * @param name its property name, or {@code null} for a document key
	 * @param oldValue the value before, {@code null} when absent
	 * @param newValue the value after, {@code null} when absent
	 * @return the change, or {@code null} when there is none
	 */
	static EtcdKeyChange of(EtcdLayer layer, String key, String name, String oldValue, String newValue) {
		Type type;
		if (oldValue == null) {
			if (newValue == null) {
				return null;
			}
			type = Type.ADDED;
		}
		else if (newValue == null) {
			type = Type.REMOVED;
		}
		else if (oldValue.equals(newValue)) {
			return null;
		}
		else {
			type = Type.CHANGED;
		}
		return new EtcdKeyChange(key, name, type, oldValue, newValue,
				(name != null) ? List.of() : EtcdConfigFiles.documentChanges(layer, key, oldValue, newValue));
	}

	/**
	 * This change of a key of a layer, with the properties of a document key worked out.
	 * @param layer the layer of the key
	 * @return the change
	 */
	EtcdKeyChange in(EtcdLayer layer) {
		return (this.name != null) ? this : of(layer, this.key, null, this.oldValue, this.newValue);
	}

	@Override
	public String toString() {
		return this.type + " " + this.key;
	}

}
