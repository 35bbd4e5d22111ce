package io.github.etcdconfig.config;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An immutable string-keyed map that is cheap to copy with a few changes: a shared base
 * plus a small delta. A change copies only the delta, and the delta is folded into a new
 * base once it grows past a fraction of the base, so a single change costs O(1) amortised
 * even with 100,000 entries.
 *
 * @param <V> the value type
 */
final class OverlayMap<V> {

	private static final Object REMOVED = new Object();

	private static final OverlayMap<?> EMPTY = new OverlayMap<>(Map.of(), Map.of(), 0);

	private final Map<String, V> base;

	private final Map<String, Object> delta;

	private final int size;

	private OverlayMap(Map<String, V> base, Map<String, Object> delta, int size) {
		this.base = base;
		this.delta = delta;
		this.size = size;
	}

	@SuppressWarnings("unchecked")
	static <V> OverlayMap<V> empty() {
		return (OverlayMap<V>) EMPTY;
	}

	@SuppressWarnings("unchecked")
	V get(String key) {
		if (!this.delta.isEmpty()) {
			Object value = this.delta.get(key);
			if (value != null) {
				return (value != REMOVED) ? (V) value : null;
			}
		}
		return this.base.get(key);
	}

	int size() {
		return this.size;
	}

	@SuppressWarnings("unchecked")
	void forEach(BiConsumer<String, V> action) {
		this.base.forEach((key, value) -> {
			if (!this.delta.containsKey(key)) {
				action.accept(key, value);
			}
		});
		this.delta.forEach((key, value) -> {
			if (value != REMOVED) {
				action.accept(key, (V) value);
			}
		});
	}

	Editor<V> edit() {
		return new Editor<>(this);
	}

	/**
	 * Collects changes on top of a map; the source is never modified.
	 *
	 * @param <V> the value type
	 */
	static final class Editor<V> {

		private final Map<String, V> base;

		private final Map<String, Object> delta;

		private int size;

		private Editor(OverlayMap<V> source) {
			this.base = source.base;
			this.delta = new HashMap<>(source.delta);
			this.size = source.size;
		}

		@SuppressWarnings("unchecked")
		V get(String key) {
			Object value = this.delta.get(key);
			if (value != null) {
				return (value != REMOVED) ? (V) value : null;
			}
			return this.base.get(key);
		}

		void put(String key, V value) {
			if (get(key) == null) {
				this.size++;
			}
			this.delta.put(key, value);
		}

		void remove(String key) {
			if (get(key) == null) {
				return;
			}
			this.size--;
			if (this.base.containsKey(key)) {
				this.delta.put(key, REMOVED);
			}
			else {
				this.delta.remove(key);
			}
		}

		@SuppressWarnings("unchecked")
		OverlayMap<V> build() {
			if (this.base.isEmpty()) {
				// Without a base the delta holds no REMOVED markers: it becomes the base
				// as it is.
				return new OverlayMap<>((Map<String, V>) (Map<String, ?>) this.delta, Map.of(), this.size);
			}
			if (this.delta.size() <= 64 + this.base.size() / 8) {
				return new OverlayMap<>(this.base, this.delta, this.size);
			}
			Map<String, V> merged = new HashMap<>(this.base);
			this.delta.forEach((key, value) -> {
				if (value == REMOVED) {
					merged.remove(key);
				}
				else {
					merged.put(key, (V) value);
				}
			});
			return new OverlayMap<>(merged, Map.of(), this.size);
		}

	}

}
