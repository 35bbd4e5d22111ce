package io.github.etcdconfig.release;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A published release of one layer, as recorded under the releases prefix in the same
 * transaction as its changes. The record holds every changed key with its old and new
 * value, so the layer can be brought back to any kept release after etcd has compacted
 * its own history. {@link #toString()} never shows values.
 *
 * @param id the release's number in its layer's history, from 1
 * @param layer the layer's prefix
 * @param application the application, or {@code null} for the shared layer
 * @param profile the profile, or {@code null}
 * @param kind push, rollback or promote
 * @param detail what a rollback or promotion goes back to or comes from, or {@code null}
 * @param time when it was published
 * @param author who published it
 * @param message why, or {@code null}
 * @param revision the etcd revision of its transaction
 * @param changes every key it changed
 * @param verification what the running instances said of it before it was published, or
 * {@code null} when it was published without asking them
 * @param rollout for a staged rollout (kind {@code ROLLOUT}), its last state: the stages
 * with when each was reached, and why it was rolled back; {@code null} otherwise
 */
public record EtcdRelease(long id, String layer, String application, String profile, EtcdReleasePlan.Kind kind,
		String detail, Instant time, String author, String message, long revision, List<EtcdKeyChange> changes,
		EtcdVerification verification, EtcdRolloutState rollout) {

	public EtcdRelease {
		changes = List.copyOf(changes);
	}

	/**
	 * How many keys it added.
	 * @return the count
	 */
	@JsonProperty
	public int added() {
		return EtcdLayerChange.count(this.changes, EtcdKeyChange.Type.ADDED);
	}

	/**
	 * How many keys it changed.
	 * @return the count
	 */
	@JsonProperty
	public int changed() {
		return EtcdLayerChange.count(this.changes, EtcdKeyChange.Type.CHANGED);
	}

	/**
	 * How many keys it removed.
	 * @return the count
	 */
	@JsonProperty
	public int removed() {
		return EtcdLayerChange.count(this.changes, EtcdKeyChange.Type.REMOVED);
	}

	EtcdRelease withRevision(long revision) {
		return new EtcdRelease(this.id, this.layer, this.application, this.profile, this.kind, this.detail, this.time,
				this.author, this.message, revision, this.changes, this.verification, this.rollout);
	}

	/**
	 * This release of a layer, with the properties of its document keys worked out.
	 */
	EtcdRelease in(EtcdLayer layer) {
		return new EtcdRelease(this.id, this.layer, this.application, this.profile, this.kind, this.detail, this.time,
				this.author, this.message, this.revision,
				this.changes.stream().map((change) -> change.in(layer)).toList(), this.verification, this.rollout);
	}

	@Override
	public String toString() {
		return "release " + this.id + " of " + this.layer + " at revision " + this.revision + " (" + added()
				+ " added, " + changed() + " changed, " + removed() + " removed)";
	}

}
