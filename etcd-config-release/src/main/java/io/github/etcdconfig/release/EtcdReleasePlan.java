package io.github.etcdconfig.release;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A release computed but not published: the difference between what etcd holds and what
 * the release wants, read at one revision. Publishing it ({@link EtcdReleases#publish})
 * writes everything in one transaction, which fails when any key of its layers was
 * written after {@link #baseRevision()}.
 *
 * @param kind push, rollback, promote or abandon
 * @param detail what the rollback or promotion goes back to or comes from, or
 * {@code null}
 * @param baseRevision the etcd revision the layers were read at
 * @param layers what happens to each layer: one for a push, rollback or abandon, two for
 * a promotion
 */
public record EtcdReleasePlan(Kind kind, String detail, long baseRevision, List<EtcdLayerChange> layers) {

	/**
	 * How a release came about.
	 */
	public enum Kind {

		/** Files pushed. */
		PUSH,

		/** The layer brought back to an earlier release. */
		ROLLBACK,

		/** A profile's layer moved into its application's layer. */
		PROMOTE,

		/** A profile's layer emptied: a gray release ended without promotion. */
		ABANDON,

		/**
		 * A staged rollout ended: completed into the application's layer, or rolled back
		 * (no change).
		 */
		ROLLOUT

	}

	public EtcdReleasePlan {
		layers = List.copyOf(layers);
	}

	/**
	 * Whether the release changes nothing.
	 * @return whether there is nothing to do
	 */
	@JsonProperty
	public boolean isEmpty() {
		return this.layers.stream().allMatch((layer) -> layer.changes().isEmpty());
	}

	/**
	 * Every key change, layer after layer.
	 * @return the changes
	 */
	public List<EtcdKeyChange> changes() {
		return this.layers.stream().flatMap((layer) -> layer.changes().stream()).toList();
	}

}
