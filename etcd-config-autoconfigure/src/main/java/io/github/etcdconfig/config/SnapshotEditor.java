package io.github.etcdconfig.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;

import io.github.etcdconfig.config.SnapshotLayer.Document;
import io.github.etcdconfig.config.SnapshotLayer.Entry;
import io.github.etcdconfig.ranges.EtcdKeyEvent;
import io.github.etcdconfig.ranges.EtcdKeyRange;

import org.springframework.boot.origin.OriginTrackedValue;

/**
 * The edit rules of an {@link EtcdConfigSnapshot}: builds the next snapshot from keys put
 * and deleted. Each key goes to the layer of the longest prefix that holds it; within a
 * layer a plain key overrides a document key, and when two plain keys map to the same
 * name ({@code /config/a/b} and {@code /config/a.b}) the key that sorts last wins, the
 * other waiting, shadowed, to win again when it is deleted. A key that cannot be used is
 * reported and keeps its previous value. Copies a layer's structures only when the layer
 * is touched.
 */
final class SnapshotEditor {

	private final EtcdConfigSnapshot base;

	private final SnapshotLayer[] layers;

	private final OverlayMap.Editor<Entry>[] plain;

	private final Map<String, Entry>[] shadowed;

	private final NavigableMap<String, Document>[] documents;

	private final SnapshotRollouts.Editor rollouts;

	@SuppressWarnings("unchecked")
	SnapshotEditor(EtcdConfigSnapshot base) {
		this.base = base;
		this.layers = base.layers();
		int count = this.layers.length;
		this.plain = new OverlayMap.Editor[count];
		this.shadowed = new Map[count];
		this.documents = new NavigableMap[count];
		this.rollouts = new SnapshotRollouts.Editor(base.rollouts());
	}

	/**
	 * Match the rollouts' selectors against another identity.
	 * @param identity the identity
	 */
	void identity(EtcdInstanceIdentity identity) {
		this.rollouts.identity(identity);
	}

	/**
	 * Apply a put or a delete.
	 * @param event the event
	 * @param affected receives each property name whose value may have changed
	 * @param problems receives each key that could not be used
	 */
	void apply(EtcdKeyEvent event, Collection<String> affected, Consumer<EtcdConfigProblem> problems) {
		String key;
		try {
			key = EtcdKeyMapper.decode(event.key());
		}
		catch (CharacterCodingException ex) {
			problems.accept(new EtcdConfigProblem(EtcdKeyRange.printable(event.key()), EtcdConfigProblem.Kind.NOT_UTF8,
					"the key is not UTF-8", "skipped"));
			return;
		}
		int index = this.base.getLayout().layerOf(key);
		if (index < 0) {
			int rollout = this.base.getLayout().rolloutLayerOfSelector(key);
			if (rollout >= 0) {
				applySelector(rollout, key, event, problems);
			}
			return;
		}
		String suffix = key.substring(this.layers[index].prefix().length());
		if (EtcdKeyMapper.isDocument(suffix)) {
			applyDocument(index, key, suffix, event, affected, problems);
			return;
		}
		String name = EtcdKeyMapper.propertyName(suffix);
		if (name == null) {
			problems.accept(new EtcdConfigProblem(key, EtcdConfigProblem.Kind.INVALID_NAME,
					"the key maps to no valid property name", "skipped"));
			return;
		}
		if (event.isDelete()) {
			removePlain(index, name, key);
		}
		else {
			String value;
			try {
				value = EtcdKeyMapper.decode(event.value());
			}
			catch (CharacterCodingException ex) {
				problems.accept(new EtcdConfigProblem(key, EtcdConfigProblem.Kind.NOT_UTF8, "the value is not UTF-8",
						holds(index, name, key) ? "keeping its previous value" : "skipped"));
				return;
			}
			putPlain(index, name, new Entry(key, value, event.modRevision()));
		}
		affected.add(name);
	}

	private void applySelector(int layer, String key, EtcdKeyEvent event, Consumer<EtcdConfigProblem> problems) {
		if (event.isDelete()) {
			this.rollouts.selector(layer, key, null, event.modRevision(), problems);
			return;
		}
		try {
			this.rollouts.selector(layer, key, EtcdKeyMapper.decode(event.value()), event.modRevision(), problems);
		}
		catch (CharacterCodingException ex) {
			problems.accept(new EtcdConfigProblem(key, EtcdConfigProblem.Kind.BROKEN_SELECTOR,
					"the selector is not UTF-8", "this instance takes no values of the rollout"));
			this.rollouts.selector(layer, key, "", event.modRevision(), (ignored) -> {
			});
		}
	}

	private void applyDocument(int index, String key, String suffix, EtcdKeyEvent event, Collection<String> affected,
			Consumer<EtcdConfigProblem> problems) {
		NavigableMap<String, Document> documents = documents(index);
		Document previous = documents.get(key);
		if (event.isDelete()) {
			if (previous != null) {
				documents.remove(key);
				affected.addAll(previous.properties().keySet());
			}
			return;
		}
		String consequence = (previous != null) ? "keeping its previous version" : "skipped";
		String text;
		try {
			text = EtcdKeyMapper.decode(event.value());
		}
		catch (CharacterCodingException ex) {
			problems.accept(new EtcdConfigProblem(key, EtcdConfigProblem.Kind.NOT_UTF8, "the document is not UTF-8",
					consequence));
			return;
		}
		Map<String, OriginTrackedValue> properties;
		try {
			properties = EtcdKeyMapper.parseDocument(key, suffix, event.modRevision(), event.value(),
					this.base.getLayout().profiles());
		}
		catch (IOException | RuntimeException ex) {
			problems.accept(new EtcdConfigProblem(key, EtcdConfigProblem.Kind.BROKEN_DOCUMENT,
					"the document does not parse: " + EtcdKeyMapper.describeParseError(ex), consequence));
			return;
		}
		if (previous != null) {
			affected.addAll(previous.properties().keySet());
		}
		documents.put(key, new Document(key, event.modRevision(), text, properties));
		affected.addAll(properties.keySet());
	}

	private void putPlain(int index, String name, Entry entry) {
		OverlayMap.Editor<Entry> plain = plain(index);
		Entry winner = plain.get(name);
		if (winner == null || winner.key().equals(entry.key())) {
			plain.put(name, entry);
		}
		else if (entry.key().compareTo(winner.key()) > 0) {
			shadowed(index).put(winner.key(), winner);
			shadowed(index).remove(entry.key());
			plain.put(name, entry);
		}
		else {
			shadowed(index).put(entry.key(), entry);
		}
	}

	private void removePlain(int index, String name, String key) {
		OverlayMap.Editor<Entry> plain = plain(index);
		Entry winner = plain.get(name);
		if (winner == null) {
			return;
		}
		if (!winner.key().equals(key)) {
			shadowed(index).remove(key);
			return;
		}
		plain.remove(name);
		if (!shadowed(index).isEmpty()) {
			Entry next = null;
			for (Entry candidate : shadowed(index).values()) {
				String candidateName = EtcdKeyMapper
					.propertyName(candidate.key().substring(this.layers[index].prefix().length()));
				if (name.equals(candidateName) && (next == null || candidate.key().compareTo(next.key()) > 0)) {
					next = candidate;
				}
			}
			if (next != null) {
				shadowed(index).remove(next.key());
				plain.put(name, next);
			}
		}
	}

	private boolean holds(int index, String name, String key) {
		Entry winner = plain(index).get(name);
		return (winner != null && winner.key().equals(key)) || shadowed(index).containsKey(key);
	}

	private OverlayMap.Editor<Entry> plain(int index) {
		if (this.plain[index] == null) {
			this.plain[index] = this.layers[index].plain().edit();
		}
		return this.plain[index];
	}

	private Map<String, Entry> shadowed(int index) {
		if (this.shadowed[index] == null) {
			this.shadowed[index] = new LinkedHashMap<>(this.layers[index].shadowed());
		}
		return this.shadowed[index];
	}

	private NavigableMap<String, Document> documents(int index) {
		if (this.documents[index] == null) {
			this.documents[index] = new TreeMap<>(this.layers[index].documents());
		}
		return this.documents[index];
	}

	/**
	 * The next snapshot.
	 * @param revision the revision it stands for
	 * @param affected the names whose value may have changed
	 * @return the snapshot
	 */
	EtcdConfigSnapshot build(long revision, Collection<String> affected) {
		SnapshotLayer[] next = layers();
		int keyCount = keyCount(next);
		SnapshotRollouts rollouts = this.rollouts.build(revision, this.layers, next, affected);
		PropertyNameIndex names = this.base.names();
		EtcdConfigSnapshot draft = new EtcdConfigSnapshot(this.base.getLayout(), revision, next, names, keyCount,
				rollouts);
		// The names change only when an affected name appears or disappears; otherwise
		// the index is kept.
		List<String> added = new ArrayList<>();
		List<String> removed = new ArrayList<>();
		for (String name : affected) {
			boolean before = this.base.getProperty(name) != null;
			boolean after = draft.getProperty(name) != null;
			if (!before && after) {
				added.add(name);
			}
			else if (before && !after) {
				removed.add(name);
			}
		}
		PropertyNameIndex nextNames = names.with(added, removed);
		return (nextNames != names)
				? new EtcdConfigSnapshot(this.base.getLayout(), revision, next, nextNames, keyCount, rollouts) : draft;
	}

	/**
	 * The snapshot of a first read: from an empty snapshot, with puts only, so every name
	 * put is held, and the names are sorted once.
	 * @param revision the revision of the read
	 * @param names the names put, in any order, a name possibly more than once
	 * @return the snapshot
	 */
	EtcdConfigSnapshot buildFirst(long revision, List<String> names) {
		SnapshotLayer[] next = layers();
		SnapshotRollouts rollouts = this.rollouts.build(revision, this.layers, next, new ArrayList<>());
		List<String> shown = names;
		if (hidesAny(rollouts, next)) {
			// The names of a hidden rollout layer are no properties: keep the ones that
			// some shown layer holds.
			EtcdConfigSnapshot draft = new EtcdConfigSnapshot(this.base.getLayout(), revision, next,
					PropertyNameIndex.EMPTY, 0, rollouts);
			shown = new ArrayList<>(names.stream().filter((name) -> draft.getProperty(name) != null).toList());
		}
		return new EtcdConfigSnapshot(this.base.getLayout(), revision, next, PropertyNameIndex.of(shown),
				keyCount(next), rollouts);
	}

	private static boolean hidesAny(SnapshotRollouts rollouts, SnapshotLayer[] layers) {
		for (int i = 0; i < layers.length; i++) {
			if (!rollouts.isShown(i) && layers[i].keyCount() > 0) {
				return true;
			}
		}
		return false;
	}

	private SnapshotLayer[] layers() {
		SnapshotLayer[] current = this.layers;
		SnapshotLayer[] next = current.clone();
		for (int i = 0; i < next.length; i++) {
			if (this.plain[i] != null || this.shadowed[i] != null || this.documents[i] != null) {
				next[i] = new SnapshotLayer(current[i].prefix(),
						(this.plain[i] != null) ? this.plain[i].build() : current[i].plain(),
						(this.shadowed[i] != null) ? Map.copyOf(this.shadowed[i]) : current[i].shadowed(),
						(this.documents[i] != null)
								? Collections.unmodifiableNavigableMap(new TreeMap<>(this.documents[i]))
								: current[i].documents());
			}
		}
		return next;
	}

	private static int keyCount(SnapshotLayer[] layers) {
		int keyCount = 0;
		for (SnapshotLayer layer : layers) {
			keyCount += layer.keyCount();
		}
		return keyCount;
	}

}
