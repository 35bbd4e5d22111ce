package io.github.etcdconfig.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import io.github.etcdconfig.ranges.EtcdKeyEvent;
import io.github.etcdconfig.ranges.EtcdKeyRange;

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
 */
public final class EtcdConfigSnapshot {

	private static final String[] NO_NAMES = {};

	private final EtcdConfigLayout layout;

	private final long revision;

	private final Layer[] layers;

	private final String[] names;

	// The first elements of the names, uniform: most names asked for (spring.*, server.*)
	// are then told absent
	// without a search of the names.
	private final Set<String> firstElements;

	private final int keyCount;

	private EtcdConfigSnapshot(EtcdConfigLayout layout, long revision, Layer[] layers, String[] names,
			Set<String> firstElements, int keyCount) {
		this.layout = layout;
		this.revision = revision;
		this.layers = layers;
		this.names = names;
		this.firstElements = firstElements;
		this.keyCount = keyCount;
	}

	/**
	 * A snapshot without keys.
	 * @param layout the layout
	 * @param revision the revision it stands for
	 * @return the snapshot
	 */
	public static EtcdConfigSnapshot empty(EtcdConfigLayout layout, long revision) {
		Layer[] layers = new Layer[layout.prefixes().size()];
		for (int i = 0; i < layers.length; i++) {
			layers[i] = new Layer(layout.prefixes().get(i), OverlayMap.empty(), Map.of(),
					Collections.emptyNavigableMap());
		}
		return new EtcdConfigSnapshot(layout, revision, layers, NO_NAMES, Set.of(), 0);
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

	/**
	 * The property names, in relaxed order ({@link RelaxedNames}): names Spring Boot
	 * binds alike are adjacent, and the names under a group are one range. The same array
	 * is returned until a name is added or removed. Callers must not modify it.
	 * @return the names
	 */
	public String[] getPropertyNames() {
		return this.names;
	}

	/**
	 * The name held for a requested one: itself when it is held, else the held name
	 * Spring Boot's relaxed binding takes it for ({@code my-app.some-value} for
	 * {@code myApp.someValue}).
	 * @param requested the name asked for
	 * @return the held name, or {@code null}
	 */
	public String findName(String requested) {
		if (getProperty(requested) != null) {
			return requested;
		}
		if (!this.firstElements.contains(RelaxedNames.firstElement(requested))) {
			return null;
		}
		for (int i = lowerBound(requested); i < this.names.length
				&& RelaxedNames.compareUniform(this.names[i], requested) == 0; i++) {
			if (RelaxedNames.isSameProperty(requested, this.names[i])) {
				return this.names[i];
			}
		}
		return null;
	}

	/**
	 * Whether names lie under a group, relaxed: {@code logging.level} holds
	 * {@code logging.level.com.example}, and {@code my-app.flags} holds
	 * {@code myApp.flags.a}.
	 * @param group the group
	 * @return whether it holds a name
	 */
	public boolean hasNamesUnder(String group) {
		if (!this.firstElements.contains(RelaxedNames.firstElement(group))) {
			return false;
		}
		int i = groupStart(group);
		return i < this.names.length && RelaxedNames.compareToGroup(this.names[i], group) == 0;
	}

	/**
	 * The names under a group, relaxed, in relaxed order. May hold a name Spring Boot
	 * does not place under it (an index holding a dot), never miss one it does.
	 * @param group the group
	 * @return the names
	 */
	public List<String> namesUnder(String group) {
		int from = groupStart(group);
		int to = from;
		int high = this.names.length;
		while (to < high) {
			int mid = (to + high) >>> 1;
			if (RelaxedNames.compareToGroup(this.names[mid], group) <= 0) {
				to = mid + 1;
			}
			else {
				high = mid;
			}
		}
		return Arrays.asList(this.names).subList(from, to);
	}

	private int lowerBound(String requested) {
		return lowerBound(this.names, requested);
	}

	// The first name whose uniform form is not below the requested one's.
	private static int lowerBound(String[] names, String requested) {
		int low = 0;
		int high = names.length;
		while (low < high) {
			int mid = (low + high) >>> 1;
			if (RelaxedNames.compareUniform(names[mid], requested) < 0) {
				low = mid + 1;
			}
			else {
				high = mid;
			}
		}
		return low;
	}

	// The first name under the group, or where it would be: names of the group's own
	// uniform form come first.
	private int groupStart(String group) {
		int i = lowerBound(group);
		while (i < this.names.length && RelaxedNames.compareUniform(this.names[i], group) == 0) {
			i++;
		}
		return i;
	}

	/**
	 * The effective value of a property.
	 * @param name the property name
	 * @return the value, or {@code null}
	 */
	public Object getProperty(String name) {
		for (int i = this.layers.length - 1; i >= 0; i--) {
			Layer layer = this.layers[i];
			Entry entry = layer.plain.get(name);
			if (entry != null) {
				return entry.value();
			}
			if (!layer.documents.isEmpty()) {
				OriginTrackedValue value = layer.documentValue(name);
				if (value != null) {
					return value.getValue();
				}
			}
		}
		return null;
	}

	/**
	 * Where the effective value of a property comes from.
	 * @param name the property name
	 * @return the origin, or {@code null}
	 */
	public Origin getOrigin(String name) {
		for (int i = this.layers.length - 1; i >= 0; i--) {
			Layer layer = this.layers[i];
			Entry entry = layer.plain.get(name);
			if (entry != null) {
				return new EtcdPropertyOrigin(entry.key(), entry.modRevision());
			}
			if (!layer.documents.isEmpty()) {
				OriginTrackedValue value = layer.documentValue(name);
				if (value != null) {
					return value.getOrigin();
				}
			}
		}
		return null;
	}

	/**
	 * The etcd key that provides the effective value of a property.
	 * @param name the property name
	 * @return the key, or {@code null}
	 */
	public String getKey(String name) {
		for (int i = this.layers.length - 1; i >= 0; i--) {
			Layer layer = this.layers[i];
			Entry entry = layer.plain.get(name);
			if (entry != null) {
				return entry.key();
			}
			for (Document document : layer.documents.descendingMap().values()) {
				if (document.properties().containsKey(name)) {
					return document.key();
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
		EtcdConfigSnapshot next = next(events, revision, problems, affected);
		return new Update(next, changes(affected, next));
	}

	private EtcdConfigSnapshot next(Iterable<EtcdKeyEvent> events, long revision, Consumer<EtcdConfigProblem> problems,
			Set<String> affected) {
		Editor editor = new Editor();
		for (EtcdKeyEvent event : events) {
			editor.apply(event, affected, problems);
		}
		return editor.build(revision, affected);
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
		return apply(eventsTo(read, revision), revision, problems);
	}

	private List<EtcdKeyEvent> eventsTo(List<EtcdKeyEvent> read, long revision) {
		Set<String> missing = new HashSet<>();
		forEachKey((key, value, modRevision) -> missing.add(key));
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

	/**
	 * Visit every key held, with its value as read from etcd.
	 * @param action receives key, value and mod revision
	 */
	public void forEachKey(KeyAction action) {
		for (Layer layer : this.layers) {
			layer.plain().forEach((name, entry) -> action.accept(entry.key(), entry.value(), entry.modRevision()));
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

	private List<EtcdPropertyChange> changes(Set<String> names, EtcdConfigSnapshot next) {
		List<EtcdPropertyChange> changes = new ArrayList<>();
		for (String name : names) {
			Object before = getProperty(name);
			Object after = next.getProperty(name);
			if (!Objects.equals(before, after)) {
				String key = (after != null) ? next.getKey(name) : getKey(name);
				changes.add(new EtcdPropertyChange(name, before, after, key));
			}
		}
		return changes;
	}

	@Override
	public String toString() {
		return "etcd [" + this.layout + "] at revision " + this.revision + " (" + this.keyCount + " keys)";
	}

	/**
	 * Builds a snapshot from the keys of a full read, handed over one at a time.
	 */
	public static final class Builder implements Consumer<EtcdKeyEvent> {

		private final Editor editor;

		private final Consumer<EtcdConfigProblem> problems;

		// A first load changes every name: no set of changes to keep, only the names, in
		// the order of their keys,
		// which is nearly their sorted order. A name met twice is dropped once they are
		// sorted.
		private final List<String> names = new ArrayList<>();

		private Builder(EtcdConfigSnapshot empty, Consumer<EtcdConfigProblem> problems) {
			this.editor = empty.new Editor();
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

	/** A plain key: its value is a property. */
	private record Entry(String key, String value, long modRevision) {
	}

	/** A document key: its text, and its properties, each tracking its line. */
	private record Document(String key, long modRevision, String text, Map<String, OriginTrackedValue> properties) {
	}

	/**
	 * One prefix's keys.
	 *
	 * @param prefix the prefix
	 * @param plain the winning plain key of each name
	 * @param shadowed plain keys that lost a name to a key that sorts later, by key
	 * @param documents the document keys, by key
	 */
	private record Layer(String prefix, OverlayMap<Entry> plain, Map<String, Entry> shadowed,
			NavigableMap<String, Document> documents) {

		OriginTrackedValue documentValue(String name) {
			for (Document document : this.documents.descendingMap().values()) {
				OriginTrackedValue value = document.properties().get(name);
				if (value != null) {
					return value;
				}
			}
			return null;
		}

		int keyCount() {
			return this.plain.size() + this.shadowed.size() + this.documents.size();
		}

	}

	/**
	 * Builds the next snapshot; copies a layer's structures only when the layer is
	 * touched.
	 */
	private final class Editor {

		private final OverlayMap.Editor<Entry>[] plain;

		private final Map<String, Entry>[] shadowed;

		private final NavigableMap<String, Document>[] documents;

		private Set<String> firstElements;

		@SuppressWarnings("unchecked")
		Editor() {
			int count = EtcdConfigSnapshot.this.layers.length;
			this.plain = new OverlayMap.Editor[count];
			this.shadowed = new Map[count];
			this.documents = new NavigableMap[count];
		}

		void apply(EtcdKeyEvent event, Collection<String> affected, Consumer<EtcdConfigProblem> problems) {
			String key;
			try {
				key = EtcdKeyMapper.decode(event.key());
			}
			catch (CharacterCodingException ex) {
				problems.accept(new EtcdConfigProblem(EtcdKeyRange.printable(event.key()),
						EtcdConfigProblem.Kind.NOT_UTF8, "the key is not UTF-8", "skipped"));
				return;
			}
			int index = EtcdConfigSnapshot.this.layout.layerOf(key);
			if (index < 0) {
				return;
			}
			String suffix = key.substring(EtcdConfigSnapshot.this.layers[index].prefix().length());
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
					problems
						.accept(new EtcdConfigProblem(key, EtcdConfigProblem.Kind.NOT_UTF8, "the value is not UTF-8",
								holds(index, name, key) ? "keeping its previous value" : "skipped"));
					return;
				}
				putPlain(index, name, new Entry(key, value, event.modRevision()));
			}
			affected.add(name);
		}

		private void applyDocument(int index, String key, String suffix, EtcdKeyEvent event,
				Collection<String> affected, Consumer<EtcdConfigProblem> problems) {
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
						EtcdConfigSnapshot.this.layout.profiles());
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
					String candidateName = EtcdKeyMapper.propertyName(
							candidate.key().substring(EtcdConfigSnapshot.this.layers[index].prefix().length()));
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
				this.plain[index] = EtcdConfigSnapshot.this.layers[index].plain().edit();
			}
			return this.plain[index];
		}

		private Map<String, Entry> shadowed(int index) {
			if (this.shadowed[index] == null) {
				this.shadowed[index] = new LinkedHashMap<>(EtcdConfigSnapshot.this.layers[index].shadowed());
			}
			return this.shadowed[index];
		}

		private NavigableMap<String, Document> documents(int index) {
			if (this.documents[index] == null) {
				this.documents[index] = new TreeMap<>(EtcdConfigSnapshot.this.layers[index].documents());
			}
			return this.documents[index];
		}

		EtcdConfigSnapshot build(long revision, Collection<String> affected) {
			Layer[] next = layers();
			int keyCount = keyCount(next);
			EtcdConfigSnapshot draft = new EtcdConfigSnapshot(EtcdConfigSnapshot.this.layout, revision, next,
					EtcdConfigSnapshot.this.names, EtcdConfigSnapshot.this.firstElements, keyCount);
			this.firstElements = EtcdConfigSnapshot.this.firstElements;
			String[] names = names(affected, draft);
			return new EtcdConfigSnapshot(EtcdConfigSnapshot.this.layout, revision, next, names, this.firstElements,
					keyCount);
		}

		// From an empty snapshot, with puts only: every name put is held, and the names
		// are sorted once.
		EtcdConfigSnapshot buildFirst(long revision, List<String> names) {
			Layer[] next = layers();
			RelaxedNames.sortDistinct(names);
			String[] sorted = names.toArray(NO_NAMES);
			return new EtcdConfigSnapshot(EtcdConfigSnapshot.this.layout, revision, next, sorted,
					RelaxedNames.firstElements(sorted), keyCount(next));
		}

		private Layer[] layers() {
			Layer[] current = EtcdConfigSnapshot.this.layers;
			Layer[] next = current.clone();
			for (int i = 0; i < next.length; i++) {
				if (this.plain[i] != null || this.shadowed[i] != null || this.documents[i] != null) {
					next[i] = new Layer(current[i].prefix(),
							(this.plain[i] != null) ? this.plain[i].build() : current[i].plain(),
							(this.shadowed[i] != null) ? Map.copyOf(this.shadowed[i]) : current[i].shadowed(),
							(this.documents[i] != null)
									? Collections.unmodifiableNavigableMap(new TreeMap<>(this.documents[i]))
									: current[i].documents());
				}
			}
			return next;
		}

		private static int keyCount(Layer[] layers) {
			int keyCount = 0;
			for (Layer layer : layers) {
				keyCount += layer.keyCount();
			}
			return keyCount;
		}

		// The names change only when an affected name appears or disappears; otherwise
		// the array is kept. A change
		// copies the array with its few names inserted and removed in place: no sort, no
		// comparison of every name.
		private String[] names(Collection<String> affected, EtcdConfigSnapshot next) {
			List<String> added = new ArrayList<>();
			List<String> removed = new ArrayList<>();
			for (String name : affected) {
				boolean before = getProperty(name) != null;
				boolean after = next.getProperty(name) != null;
				if (!before && after) {
					added.add(name);
				}
				else if (before && !after) {
					removed.add(name);
				}
			}
			if (added.isEmpty() && removed.isEmpty()) {
				return EtcdConfigSnapshot.this.names;
			}
			String[] current = EtcdConfigSnapshot.this.names;
			RelaxedNames.sortDistinct(added);
			RelaxedNames.sortDistinct(removed);
			String[] names = new String[current.length - removed.size() + added.size()];
			int from = 0;
			int to = 0;
			int a = 0;
			int r = 0;
			while (a < added.size() || r < removed.size()) {
				// Where the next name goes in, or the position of the next name to leave.
				int insert = (a < added.size()) ? -Arrays.binarySearch(current, added.get(a), RelaxedNames.ORDER) - 1
						: current.length;
				int remove = (r < removed.size()) ? Arrays.binarySearch(current, removed.get(r), RelaxedNames.ORDER)
						: current.length;
				int at = Math.min(insert, remove);
				System.arraycopy(current, from, names, to, at - from);
				to += at - from;
				from = at;
				if (insert <= remove) {
					names[to++] = added.get(a++);
				}
				else {
					from++;
					r++;
				}
			}
			System.arraycopy(current, from, names, to, current.length - from);
			this.firstElements = firstElements(names, added, removed);
			return names;
		}

		// The first elements of the new names: those of the added names join, those of
		// the removed names leave
		// when no name starts with them any more.
		private Set<String> firstElements(String[] names, List<String> added, List<String> removed) {
			Set<String> firstElements = new HashSet<>(EtcdConfigSnapshot.this.firstElements);
			for (String name : added) {
				firstElements.add(RelaxedNames.firstElement(name));
			}
			for (String name : removed) {
				String first = RelaxedNames.firstElement(name);
				int i = lowerBound(names, first);
				if (i == names.length || !RelaxedNames.firstElement(names[i]).equals(first)) {
					firstElements.remove(first);
				}
			}
			return Set.copyOf(firstElements);
		}

	}

}
