package io.github.etcdconfig.config;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;

import org.springframework.boot.origin.OriginTrackedValue;

/**
 * One prefix's keys in an {@link EtcdConfigSnapshot}: what a layer holds, immutable.
 *
 * @param prefix the prefix
 * @param plain the winning plain key of each name
 * @param shadowed plain keys that lost a name to a key that sorts later, by key
 * @param documents the document keys, by key
 */
record SnapshotLayer(String prefix, OverlayMap<Entry> plain, Map<String, Entry> shadowed,
		NavigableMap<String, Document> documents) {

	static SnapshotLayer empty(String prefix) {
		return new SnapshotLayer(prefix, OverlayMap.empty(), Map.of(), Collections.emptyNavigableMap());
	}

	int keyCount() {
		return this.plain.size() + this.shadowed.size() + this.documents.size();
	}

	/** A plain key: its value is a property. */
	record Entry(String key, String value, long modRevision) {
	}

	/** A document key: its text, and its properties, each tracking its line. */
	record Document(String key, long modRevision, String text, Map<String, OriginTrackedValue> properties) {
	}

}
