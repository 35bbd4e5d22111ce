package io.github.etcdconfig.release;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.etcd.jetcd.KV;
import io.github.etcdconfig.ranges.EtcdConfigReader;
import io.github.etcdconfig.ranges.EtcdKeyEvent;
import io.github.etcdconfig.config.EtcdKeyMapper;
import io.github.etcdconfig.ranges.EtcdKeyRange;

/**
 * The keys of one or more layers, read at one revision with the starter's own reader, and
 * the last release of each.
 *
 * @param revision the revision of the read
 * @param layers per layer, in the order asked for: its keys by key, and its last release
 * id
 */
record EtcdLayerState(long revision, List<Layer> layers) {

	private static final int PAGE_SIZE = 500;

	/**
	 * Read layers whose ranges do not overlap, at one revision.
	 */
	static EtcdLayerState read(KV kv, EtcdReleaseRecords records, Duration timeout, EtcdLayer... layers) {
		List<EtcdKeyRange> ranges = new ArrayList<>();
		for (EtcdLayer layer : layers) {
			ranges.addAll(layer.ranges());
		}
		EtcdConfigReader.Result read = EtcdReleaseCalls.run(
				() -> new EtcdConfigReader(kv, timeout, PAGE_SIZE).read(EtcdKeyRange.merge(ranges)), timeout,
				"Reading " + Arrays.toString(layers));
		List<Map<String, EtcdKeyEvent>> keys = new ArrayList<>();
		for (int i = 0; i < layers.length; i++) {
			keys.add(new TreeMap<>());
		}
		for (EtcdKeyEvent event : read.keys()) {
			String key;
			try {
				key = EtcdKeyMapper.decode(event.key());
			}
			catch (CharacterCodingException ex) {
				// No application reads such a key; a release neither reads nor touches
				// it.
				continue;
			}
			for (int i = 0; i < layers.length; i++) {
				if (layers[i].contains(key)) {
					keys.get(i).put(key, event);
				}
			}
		}
		List<Layer> result = new ArrayList<>();
		for (int i = 0; i < layers.length; i++) {
			result.add(new Layer(layers[i], Collections.unmodifiableMap(keys.get(i)),
					records.lastId(layers[i], read.revision())));
		}
		return new EtcdLayerState(read.revision(), result);
	}

	Layer layer(int index) {
		return this.layers.get(index);
	}

	/**
	 * One layer as read.
	 *
	 * @param layer the layer
	 * @param keys its keys, in key order
	 * @param lastRelease its last release id, 0 when it has none
	 */
	record Layer(EtcdLayer layer, Map<String, EtcdKeyEvent> keys, long lastRelease) {

		/**
		 * The value of a key as text.
		 * @param key the key
		 * @return the value, or {@code null} when the layer does not hold the key
		 * @throws EtcdReleaseException (invalid) when the value is not UTF-8: a release
		 * that changes it could not record it
		 */
		String value(String key) {
			EtcdKeyEvent event = this.keys.get(key);
			if (event == null) {
				return null;
			}
			try {
				return EtcdKeyMapper.decode(event.value());
			}
			catch (CharacterCodingException ex) {
				throw EtcdReleaseException.invalid("etcd key " + key + " holds a value that is not UTF-8, which no "
						+ "application reads and no release record can hold: put or delete it with etcdctl first");
			}
		}

		/**
		 * The property a key of this layer holds.
		 * @param key the key
		 * @return the name, or {@code null} for a document key or a key that maps to no
		 * name
		 */
		String name(String key) {
			String suffix = key.substring(this.layer.prefix().length());
			return EtcdKeyMapper.isDocument(suffix) ? null : EtcdKeyMapper.propertyName(suffix);
		}

		/**
		 * The changes that bring this layer to new values.
		 * @param targets key to value wanted, {@code null} for a key to delete; keys not
		 * named are left alone
		 * @param names key to property name, for keys the layer does not hold yet
		 * @return the changes, in key order
		 */
		List<EtcdKeyChange> changesTo(Map<String, String> targets, Map<String, String> names) {
			List<EtcdKeyChange> changes = new ArrayList<>();
			for (Map.Entry<String, String> target : new TreeMap<>(targets).entrySet()) {
				String key = target.getKey();
				String current = currentValue(key, target.getValue());
				EtcdKeyChange change = EtcdKeyChange.of(this.layer, key, names.getOrDefault(key, name(key)), current,
						target.getValue());
				if (change != null) {
					changes.add(change);
				}
			}
			return changes;
		}

		// A value that is not UTF-8 is an error only when the release would change it.
		private String currentValue(String key, String target) {
			EtcdKeyEvent event = this.keys.get(key);
			if (event != null && target != null
					&& Arrays.equals(event.value(), target.getBytes(StandardCharsets.UTF_8))) {
				return target;
			}
			return value(key);
		}

		/**
		 * The number of keys after changes.
		 * @param changes the changes
		 * @return the count
		 */
		int keysAfter(List<EtcdKeyChange> changes) {
			return this.keys.size() + EtcdLayerChange.count(changes, EtcdKeyChange.Type.ADDED)
					- EtcdLayerChange.count(changes, EtcdKeyChange.Type.REMOVED);
		}

		/**
		 * The layer's values, by key.
		 * @return the values
		 */
		Map<String, String> values() {
			Map<String, String> values = new LinkedHashMap<>();
			this.keys.keySet().forEach((key) -> values.put(key, value(key)));
			return values;
		}

	}

}
