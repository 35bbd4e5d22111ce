package io.github.etcdconfig.release;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.etcd.jetcd.KV;
import io.github.etcdconfig.config.EtcdConfigLayout;
import io.github.etcdconfig.ranges.EtcdConfigReader;
import io.github.etcdconfig.config.EtcdConfigSnapshot;
import io.github.etcdconfig.ranges.EtcdKeyEvent;
import io.github.etcdconfig.ranges.EtcdKeyRange;

/**
 * Reads properties the way an application reads them: the same key ranges, the same
 * reader, the same snapshot.
 */
final class EtcdConfigViews {

	private static final int PAGE_SIZE = 500;

	private final KV kv;

	private final Duration timeout;

	EtcdConfigViews(KV kv, Duration timeout) {
		this.kv = kv;
		this.timeout = timeout;
	}

	/**
	 * What an instance of the layer's application, started with the layer's profile,
	 * would see.
	 */
	EtcdConfigView effective(EtcdLayer layer) {
		return read(layer, layer.layout().ranges());
	}

	/**
	 * The properties of one layer alone.
	 */
	EtcdConfigView layer(EtcdLayer layer) {
		return read(layer, layer.ranges());
	}

	private EtcdConfigView read(EtcdLayer layer, List<EtcdKeyRange> ranges) {
		EtcdConfigReader.Result read = EtcdReleaseCalls.run(
				() -> new EtcdConfigReader(this.kv, this.timeout, PAGE_SIZE).read(ranges), this.timeout,
				"Reading " + layer);
		return view(layer, read.revision(), read.keys());
	}

	/**
	 * The properties keys hold, as an application of the layer reads them.
	 * @param layer the layer chosen
	 * @param revision the revision the keys were read at
	 * @param keys the keys
	 * @return the view
	 */
	static EtcdConfigView view(EtcdLayer layer, long revision, Iterable<EtcdKeyEvent> keys) {
		Map<String, Long> revisions = new HashMap<>();
		for (EtcdKeyEvent key : keys) {
			revisions.put(new String(key.key(), StandardCharsets.UTF_8), key.modRevision());
		}
		EtcdConfigLayout layout = layer.layout();
		List<String> problems = new ArrayList<>();
		EtcdConfigSnapshot snapshot = EtcdConfigSnapshot.of(layout, revision, keys,
				(problem) -> problems.add(problem.toString()));
		String[] names = snapshot.getPropertyNames().clone();
		Arrays.sort(names);
		List<EtcdProperty> properties = new ArrayList<>();
		for (String name : names) {
			String key = snapshot.getKey(name);
			properties.add(new EtcdProperty(name, snapshot.getProperty(name), key, revisions.getOrDefault(key, 0L),
					layout.prefixes().get(layout.layerOf(key))));
		}
		return new EtcdConfigView(layer, revision, properties, problems);
	}

}
