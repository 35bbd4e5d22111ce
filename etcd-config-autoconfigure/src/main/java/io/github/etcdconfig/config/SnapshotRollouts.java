package io.github.etcdconfig.config;

import java.util.Arrays;
import java.util.Collection;
import java.util.function.Consumer;

import io.github.etcdconfig.config.SnapshotLayer.Document;

/**
 * The staged rollouts an {@link EtcdConfigSnapshot} knows of, immutable: the selector of
 * each rollout layer ({@link EtcdConfigLayout#withRolloutLayers()}), the instance's
 * identity, and whether each rollout layer is shown. A layer is shown only while its
 * selector parses and matches the identity; it is computed with the snapshot, so a
 * property source never reads a rollout value the instance does not take.
 */
final class SnapshotRollouts {

	// By layer index: whether the layer holds a rollout's values. Shared by every
	// snapshot of a layout.
	private final boolean[] rolloutLayers;

	private final EtcdInstanceIdentity identity;

	// By layer index; null where the layer is no rollout's or has no selector.
	private final Selector[] selectors;

	private SnapshotRollouts(boolean[] rolloutLayers, EtcdInstanceIdentity identity, Selector[] selectors) {
		this.rolloutLayers = rolloutLayers;
		this.identity = identity;
		this.selectors = selectors;
	}

	static SnapshotRollouts empty(EtcdConfigLayout layout) {
		int count = layout.prefixes().size();
		boolean[] rolloutLayers = new boolean[count];
		for (int i = 0; i < count; i++) {
			rolloutLayers[i] = layout.rolloutFolderOf(i) != null;
		}
		return new SnapshotRollouts(rolloutLayers, null, new Selector[count]);
	}

	EtcdInstanceIdentity identity() {
		return this.identity;
	}

	boolean isShown(int layer) {
		if (!this.rolloutLayers[layer]) {
			return true;
		}
		Selector selector = this.selectors[layer];
		return selector != null && selector.shown();
	}

	/**
	 * The first rollout whose values are shown.
	 * @return the selector, or {@code null}
	 */
	Selector shown() {
		for (Selector selector : this.selectors) {
			if (selector != null && selector.shown()) {
				return selector;
			}
		}
		return null;
	}

	/**
	 * Visit the selector keys held.
	 * @param action receives each selector
	 */
	void forEach(Consumer<Selector> action) {
		for (Selector selector : this.selectors) {
			if (selector != null) {
				action.accept(selector);
			}
		}
	}

	/**
	 * Edits a {@link SnapshotRollouts} into the next one.
	 */
	static final class Editor {

		private final SnapshotRollouts base;

		private EtcdInstanceIdentity identity;

		private Selector[] selectors;

		Editor(SnapshotRollouts base) {
			this.base = base;
			this.identity = base.identity;
		}

		void identity(EtcdInstanceIdentity identity) {
			this.identity = identity;
		}

		/**
		 * A selector key was put or deleted.
		 * @param layer the rollout's values layer
		 * @param key the selector key
		 * @param text its text, {@code null} when deleted
		 * @param modRevision the revision that wrote it
		 * @param problems receives a selector that does not parse
		 */
		void selector(int layer, String key, String text, long modRevision, Consumer<EtcdConfigProblem> problems) {
			if (this.selectors == null) {
				this.selectors = this.base.selectors.clone();
			}
			if (text == null) {
				this.selectors[layer] = null;
				return;
			}
			EtcdRolloutSelector parsed = null;
			try {
				parsed = EtcdRolloutSelector.parse(text);
			}
			catch (IllegalArgumentException ex) {
				// The parser's messages never quote the value.
				problems.accept(new EtcdConfigProblem(key, EtcdConfigProblem.Kind.BROKEN_SELECTOR, ex.getMessage(),
						"this instance takes no values of the rollout"));
			}
			this.selectors[layer] = new Selector(key, text, modRevision, parsed, false, 0);
		}

		/**
		 * The next rollouts: each layer's selector matched against the identity.
		 * @param revision the revision of the next snapshot
		 * @param before the layers before
		 * @param after the layers after
		 * @param affected receives the names of each rollout layer shown or hidden now
		 * @return the rollouts
		 */
		SnapshotRollouts build(long revision, SnapshotLayer[] before, SnapshotLayer[] after,
				Collection<String> affected) {
			if (this.selectors == null && this.identity == this.base.identity) {
				return this.base;
			}
			Selector[] next = (this.selectors != null) ? this.selectors : this.base.selectors.clone();
			for (int i = 0; i < next.length; i++) {
				Selector selector = next[i];
				Selector previous = this.base.selectors[i];
				boolean was = previous != null && previous.shown();
				boolean is = selector != null && selector.parsed() != null && this.identity != null
						&& this.identity.matches(selector.parsed());
				if (selector != null) {
					// The revision stays while the same rollout stays shown: a wider
					// stage changes nothing for an instance already in it.
					long since = (is && was && previous.parsed().id().equals(selector.parsed().id())) ? previous.since()
							: revision;
					next[i] = new Selector(selector.key(), selector.text(), selector.modRevision(), selector.parsed(),
							is, is ? since : 0);
				}
				if (was != is) {
					names(before[i], affected);
					names(after[i], affected);
				}
			}
			return new SnapshotRollouts(this.base.rolloutLayers, this.identity, next);
		}

		private static void names(SnapshotLayer layer, Collection<String> affected) {
			layer.plain().forEach((name, entry) -> affected.add(name));
			for (Document document : layer.documents().values()) {
				affected.addAll(document.properties().keySet());
			}
		}

	}

	@Override
	public String toString() {
		return Arrays.toString(this.selectors);
	}

	/**
	 * The selector key of one rollout layer.
	 *
	 * @param key the selector key
	 * @param text its value
	 * @param modRevision the revision that wrote it
	 * @param parsed the selector, {@code null} when it does not parse
	 * @param shown whether the instance takes the rollout's values
	 * @param since the revision of the snapshot in which it took them; 0 when it does not
	 */
	record Selector(String key, String text, long modRevision, EtcdRolloutSelector parsed, boolean shown, long since) {

		@Override
		public String toString() {
			return this.key + (this.shown ? " (shown)" : "");
		}

	}

}
