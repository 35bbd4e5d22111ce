package io.github.etcdconfig.release;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a release does to one layer.
 *
 * @param layer the layer
 * @param release the id the release will have in this layer's history
 * @param keysBefore the layer's keys before
 * @param keysAfter the layer's keys after
 * @param changes the keys added, changed and removed, in key order
 */
public record EtcdLayerChange(EtcdLayer layer, long release, int keysBefore, int keysAfter,
		List<EtcdKeyChange> changes) {

	public EtcdLayerChange {
		changes = List.copyOf(changes);
	}

	/**
	 * How many keys are added.
	 * @return the count
	 */
	@JsonProperty
	public int added() {
		return count(this.changes, EtcdKeyChange.Type.ADDED);
	}

	/**
	 * How many keys get another value.
	 * @return the count
	 */
	@JsonProperty
	public int changed() {
		return count(this.changes, EtcdKeyChange.Type.CHANGED);
	}

	/**
	 * How many keys are deleted.
	 * @return the count
	 */
	@JsonProperty
	public int removed() {
		return count(this.changes, EtcdKeyChange.Type.REMOVED);
	}

	/**
	 * Whether the release leaves the layer without any key.
	 * @return whether it empties the layer
	 */
	@JsonProperty
	public boolean emptiesLayer() {
		return this.keysBefore > 0 && this.keysAfter == 0;
	}

	static int count(List<EtcdKeyChange> changes, EtcdKeyChange.Type type) {
		return (int) changes.stream().filter((change) -> change.type() == type).count();
	}

}
