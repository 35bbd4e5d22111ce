package io.github.etcdconfig.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.github.etcdconfig.ranges.EtcdKeyEvent;

/**
 * What differs between snapshots: the properties whose effective value changed, and the
 * events that move a snapshot to the state of a full read.
 */
final class SnapshotDiff {

	private SnapshotDiff() {
	}

	/**
	 * The properties whose effective value differs.
	 * @param before the snapshot before
	 * @param after the snapshot after
	 * @param names the names whose value may differ
	 * @return the changes, in the order of the names
	 */
	static List<EtcdPropertyChange> changes(EtcdConfigSnapshot before, EtcdConfigSnapshot after,
			Collection<String> names) {
		List<EtcdPropertyChange> changes = new ArrayList<>();
		for (String name : names) {
			Object was = before.getProperty(name);
			Object is = after.getProperty(name);
			if (!Objects.equals(was, is)) {
				String key = (is != null) ? after.getKey(name) : before.getKey(name);
				changes.add(new EtcdPropertyChange(name, was, is, key));
			}
		}
		return changes;
	}

	/**
	 * The events that move a snapshot to the state of a full read: a put for every key
	 * read, a delete for every key held but not read.
	 * @param snapshot the snapshot
	 * @param read every key under the roots, read at one revision
	 * @param revision the revision of the read
	 * @return the events
	 */
	static List<EtcdKeyEvent> eventsTo(EtcdConfigSnapshot snapshot, List<EtcdKeyEvent> read, long revision) {
		Set<String> missing = new HashSet<>();
		snapshot.forEachKey((key, value, modRevision) -> missing.add(key));
		List<EtcdKeyEvent> events = new ArrayList<>(read.size() + missing.size());
		for (EtcdKeyEvent event : read) {
			missing.remove(new String(event.key(), StandardCharsets.UTF_8));
			events.add(event);
		}
		for (String key : missing) {
			events.add(EtcdKeyEvent.delete(key.getBytes(StandardCharsets.UTF_8), revision));
		}
		return events;
	}

}
