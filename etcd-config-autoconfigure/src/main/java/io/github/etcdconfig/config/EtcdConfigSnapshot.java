package io.github.etcdconfig.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import io.github.etcdconfig.config.SnapshotLayer.Document;
import io.github.etcdconfig.config.SnapshotLayer.Entry;
import io.github.etcdconfig.ranges.EtcdKeyEvent;

import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.util.Assert;

/**
 * An immutable view of the keys of one etcd source at one revision, and the properties
 * they make.
 *
 * <p>
 * Each prefix of the {@link EtcdConfigLayout} is a layer; a higher layer overrides a
 * lower one. Within a layer a plain key overrides a document key, and among documents the
 * key that sorts last wins. When two plain keys of a layer map to the same name
 * ({@code /config/a/b} and {@code /config/a.b}), the key that sorts last wins too.
 *
 * <p>
 * {@link #apply} makes the next snapshot and reports exactly the property names whose
 * effective value changed. Its cost is proportional to the change, not to the number of
 * keys: layers share their maps with the previous snapshot through {@link OverlayMap}.
 *
 * <p>
 * Its roles live in classes of their own: the layers' keys ({@link SnapshotLayer}), the
 * edit rules ({@link SnapshotEditor}), the name index ({@link PropertyNameIndex}) and the
 * diff ({@link SnapshotDiff}); this class holds the one lookup of the winning layer.
 */
public final class EtcdConfigSnapshot {

	private static final Winner<Object> VALUE = new Winner<>() {

		@Override
		public Object plain(Entry entry) {
			return entry.value();
		}

		@Override
		public Object document(Document document, OriginTrackedValue value) {
			return value.getValue();
		}

	};

	private static final Winner<Origin> ORIGIN = new Winner<>() {

		@Override
		public Origin plain(Entry entry) {
			return new EtcdPropertyOrigin(entry.key(), entry.modRevision());
		}

		@Override
		public Origin document(Document document, OriginTrackedValue value) {
			return value.getOrigin();
		}

	};

	private static final Winner<String> KEY = new Winner<>() {

		@Override
		public String plain(Entry entry) {
			return entry.key();
		}

		@Override
		public String document(Document document, OriginTrackedValue value) {
			return document.key();
		}

	};

	private final EtcdConfigLayout layout;

	private final long revision;

	private final SnapshotLayer[] layers;

	private final PropertyNameIndex names;

	private final int keyCount;

	private final SnapshotRollouts rollouts;

	EtcdConfigSnapshot(EtcdConfigLayout layout, long revision, SnapshotLayer[] layers, PropertyNameIndex names,
			int keyCount, SnapshotRollouts rollouts) {
		this.layout = layout;
		this.revision = revision;
		this.layers = layers;
		this.names = names;
		this.keyCount = keyCount;
		this.rollouts = rollouts;
	}

	/**
	 * A snapshot without keys.
	 * @param layout the layout
	 * @param revision the revision it stands for
	 * @return the snapshot
	 */
	public static EtcdConfigSnapshot empty(EtcdConfigLayout layout, long revision) {
		SnapshotLayer[] layers = new SnapshotLayer[layout.prefixes().size()];
		for (int i = 0; i < layers.length; i++) {
			layers[i] = SnapshotLayer.empty(layout.prefixes().get(i));
		}
		return new EtcdConfigSnapshot(layout, revision, layers, PropertyNameIndex.EMPTY, 0,
				SnapshotRollouts.empty(layout));
	}

	/**
	 * Build a snapshot from a full read.
	 * @param layout the layout
	 * @param revision the revision of the read
	 * @param keys every key under the layout's roots
	 * @param problems receives each key that could not be used
	 * @return the snapshot
	 */
	public static EtcdConfigSnapshot of(EtcdConfigLayout layout, long revision, Iterable<EtcdKeyEvent> keys,
			Consumer<EtcdConfigProblem> problems) {
		Builder builder = builder(layout, problems);
		keys.forEach(builder);
		return builder.build(revision);
	}

	/**
	 * Build a snapshot from a full read whose keys are handed over one at a time, as they
	 * arrive.
	 * @param layout the layout
	 * @param problems receives each key that could not be used
	 * @return the builder
	 */
	public static Builder builder(EtcdConfigLayout layout, Consumer<EtcdConfigProblem> problems) {
		return new Builder(empty(layout, 0), problems);
	}

	public EtcdConfigLayout getLayout() {
		return this.layout;
	}

	/**
	 * The revision this snapshot is consistent at.
	 * @return the revision
	 */
	public long getRevision() {
		return this.revision;
	}

	/**
	 * The number of etcd keys held, documents counting once.
	 * @return the key count
	 */
	public int getKeyCount() {
		return this.keyCount;
	}

	SnapshotLayer[] layers() {
		return this.layers;
	}

	SnapshotRollouts rollouts() {
		return this.rollouts;
	}

	/**
	 * The staged rollout whose values this snapshot shows: its selector matches the
	 * instance's identity.
	 * @return the rollout, or {@code null} when the instance takes part in none
	 */
	public Rollout getRollout() {
		SnapshotRollouts.Selector shown = this.rollouts.shown();
		return (shown != null) ? new Rollout(shown.parsed().id(), shown.since()) : null;
	}

	/**
	 * The identity the rollouts' selectors are matched against.
	 * @return the identity, or {@code null} before one is set
	 */
	public EtcdInstanceIdentity getIdentity() {
		return this.rollouts.identity();
	}

	/**
	 * This snapshot with another identity: the same keys, at the same revision, with each
	 * rollout layer shown or hidden as its selector matches the identity now.
	 * @param identity the identity
	 * @return the next snapshot and the changed properties
	 */
	public Update withIdentity(EtcdInstanceIdentity identity) {
		Set<String> affected = new LinkedHashSet<>();
		SnapshotEditor editor = new SnapshotEditor(this);
		editor.identity(identity);
		EtcdConfigSnapshot next = editor.build(this.revision, affected);
		return new Update(next, SnapshotDiff.changes(this, next, affected));
	}

	PropertyNameIndex names() {
		return this.names;
	}

	/**
	 * The property names, in relaxed order ({@link RelaxedNames}): names Spring Boot
	 * binds alike are adjacent, and the names under a group are one range. The same array
	 * is returned until a name is added or removed. Callers must not modify it.
	 * @return the names
	 */
	public String[] getPropertyNames() {
		return this.names.names();
	}

	/**
	 * The name held for a requested one: itself when it is held, else the held name
	 * Spring Boot's relaxed binding takes it for ({@code my-app.some-value} for
	 * {@code myApp.someValue}).
	 * @param requested the name asked for
	 * @return the held name, or {@code null}
	 */
	public String findName(String requested) {
		return (getProperty(requested) != null) ? requested : this.names.findRelaxed(requested);
	}

	/**
	 * Whether names lie under a group, relaxed: {@code logging.level} holds
	 * {@code logging.level.com.example}, and {@code my-app.flags} holds
	 * {@code myApp.flags.a}.
	 * @param group the group
	 * @return whether it holds a name
	 */
	public boolean hasNamesUnder(String group) {
		return this.names.hasNamesUnder(group);
	}

	/**
	 * The names under a group, relaxed, in relaxed order. May hold a name Spring Boot
	 * does not place under it (an index holding a dot), never miss one it does.
	 * @param group the group
	 * @return the names
	 */
	public List<String> namesUnder(String group) {
		return this.names.namesUnder(group);
	}

	/**
	 * The effective value of a property.
	 * @param name the property name
	 * @return the value, or {@code null}
	 */
	public Object getProperty(String name) {
		return winner(name, VALUE);
	}

	/**
	 * Where the effective value of a property comes from.
	 * @param name the property name
	 * @return the origin, or {@code null}
	 */
	public Origin getOrigin(String name) {
		return winner(name, ORIGIN);
	}

	/**
	 * The etcd key that provides the effective value of a property.
	 * @param name the property name
	 * @return the key, or {@code null}
	 */
	public String getKey(String name) {
		return winner(name, KEY);
	}

	// The one lookup of the winning layer: the highest layer that holds the name; in it,
	// a plain key before the documents, and the document that sorts last first.
	private <T> T winner(String name, Winner<T> winner) {
		for (int i = this.layers.length - 1; i >= 0; i--) {
			if (!this.rollouts.isShown(i)) {
				continue;
			}
			SnapshotLayer layer = this.layers[i];
			Entry entry = layer.plain().get(name);
			if (entry != null) {
				return winner.plain(entry);
			}
			if (!layer.documents().isEmpty()) {
				for (Document document : layer.documents().descendingMap().values()) {
					OriginTrackedValue value = document.properties().get(name);
					if (value != null) {
						return winner.document(document, value);
					}
				}
			}
		}
		return null;
	}

	/**
	 * Apply watched events, in order.
	 * @param events the events
	 * @param revision the revision the result stands for
	 * @param problems receives each key that could not be used; its previous value, if
	 * any, is kept
	 * @return the next snapshot and the changed properties
	 */
	public Update apply(Iterable<EtcdKeyEvent> events, long revision, Consumer<EtcdConfigProblem> problems) {
		Set<String> affected = new LinkedHashSet<>();
		SnapshotEditor editor = new SnapshotEditor(this);
		for (EtcdKeyEvent event : events) {
			editor.apply(event, affected, problems);
		}
		EtcdConfigSnapshot next = editor.build(revision, affected);
		return new Update(next, SnapshotDiff.changes(this, next, affected));
	}

	/**
	 * Move to the state of a full read, as events: a put for every key read, a delete for
	 * every key held but not read. Applied this way, a document that no longer parses
	 * keeps its previous version, where a fresh snapshot would lose it.
	 * @param read every key under the roots, read at one revision
	 * @param revision the revision of the read
	 * @param problems receives each key that could not be used
	 * @return the next snapshot and the changed properties
	 */
	public Update applyRead(List<EtcdKeyEvent> read, long revision, Consumer<EtcdConfigProblem> problems) {
		return apply(SnapshotDiff.eventsTo(this, read, revision), revision, problems);
	}

	/**
	 * Visit every key held, with its value as read from etcd; the plain keys of each
	 * shown layer in the order of their names.
	 * @param action receives key, value and mod revision
	 */
	public void forEachKey(KeyAction action) {
		this.rollouts.forEach((selector) -> action.accept(selector.key(), selector.text(), selector.modRevision()));
		for (int i = 0; i < this.layers.length; i++) {
			SnapshotLayer layer = this.layers[i];
			if (this.rollouts.isShown(i)) {
				// Every name of a shown layer is in the index. In name order, the names
				// of a snapshot file's keys come back in order for the index's sort.
				for (String name : this.names.names()) {
					SnapshotLayer.Entry entry = layer.plain().get(name);
					if (entry != null) {
						action.accept(entry.key(), entry.value(), entry.modRevision());
					}
				}
			}
			else {
				layer.plain().forEach((name, entry) -> action.accept(entry.key(), entry.value(), entry.modRevision()));
			}
			layer.shadowed()
				.values()
				.forEach((entry) -> action.accept(entry.key(), entry.value(), entry.modRevision()));
			layer.documents()
				.values()
				.forEach((document) -> action.accept(document.key(), document.text(), document.modRevision()));
		}
	}

	/**
	 * Receives a key held by a snapshot.
	 */
	@FunctionalInterface
	public interface KeyAction {

		/**
		 * Visit a key.
		 * @param key the etcd key
		 * @param value its value
		 * @param modRevision the revision that wrote it
		 */
		void accept(String key, String value, long modRevision);

	}

	@Override
	public String toString() {
		return "etcd [" + this.layout + "] at revision " + this.revision + " (" + this.keyCount + " keys)";
	}

	/**
	 * What a lookup takes from the winning key: its value, its origin or its etcd key.
	 */
	private interface Winner<T> {

		T plain(Entry entry);

		T document(Document document, OriginTrackedValue value);

	}

	/**
	 * Builds a snapshot from the keys of a full read, handed over one at a time.
	 */
	public static final class Builder implements Consumer<EtcdKeyEvent> {

		private final SnapshotEditor editor;

		private final Consumer<EtcdConfigProblem> problems;

		// A first load changes every name: no set of changes to keep, only the names, in
		// the order of their keys, which is nearly their sorted order. A name met twice
		// is dropped once they are sorted.
		private final List<String> names = new ArrayList<>();

		private Builder(EtcdConfigSnapshot empty, Consumer<EtcdConfigProblem> problems) {
			this.editor = new SnapshotEditor(empty);
			this.problems = problems;
		}

		/**
		 * Add a key of the read.
		 * @param key the key
		 */
		@Override
		public void accept(EtcdKeyEvent key) {
			Assert.isTrue(!key.isDelete(), "A full read holds no deletes");
			this.editor.apply(key, this.names, this.problems);
		}

		/**
		 * The snapshot of the keys added.
		 * @param revision the revision of the read
		 * @return the snapshot
		 */
		public EtcdConfigSnapshot build(long revision) {
			return this.editor.buildFirst(revision, this.names);
		}

	}

	/**
	 * The staged rollout an instance takes part in.
	 *
	 * @param id the rollout's id, from its selector
	 * @param revision the revision of the snapshot in which the instance took the
	 * rollout's values
	 */
	public record Rollout(String id, long revision) {

	}

	/**
	 * The result of applying changes.
	 *
	 * @param snapshot the next snapshot
	 * @param changes the properties whose effective value changed
	 */
	public record Update(EtcdConfigSnapshot snapshot, List<EtcdPropertyChange> changes) {

		public boolean isEmpty() {
			return this.changes.isEmpty();
		}

	}

}
