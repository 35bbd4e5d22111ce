package io.github.etcdconfig.config;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The property names of an {@link EtcdConfigSnapshot}, in relaxed order
 * ({@link RelaxedNames}), and the searches Spring Boot's relaxed binding asks of them.
 * Immutable: a change that adds or removes names makes a new index with its few names
 * inserted and removed in place; no sort, no comparison of every name.
 */
final class PropertyNameIndex {

	private static final String[] NO_NAMES = {};

	static final PropertyNameIndex EMPTY = new PropertyNameIndex(NO_NAMES, Set.of());

	private final String[] names;

	// The first elements of the names, uniform: most names asked for (spring.*, server.*)
	// are then told absent without a search of the names.
	private final Set<String> firstElements;

	private PropertyNameIndex(String[] names, Set<String> firstElements) {
		this.names = names;
		this.firstElements = firstElements;
	}

	/**
	 * The index of names in any order, a name possibly more than once.
	 * @param names the names; sorted in place
	 * @return the index
	 */
	static PropertyNameIndex of(List<String> names) {
		RelaxedNames.sortDistinct(names);
		String[] sorted = names.toArray(NO_NAMES);
		return new PropertyNameIndex(sorted, RelaxedNames.firstElements(sorted));
	}

	String[] names() {
		return this.names;
	}

	/**
	 * The held name Spring Boot's relaxed binding takes a requested one for
	 * ({@code my-app.some-value} for {@code myApp.someValue}).
	 * @param requested the name asked for
	 * @return the held name, or {@code null}
	 */
	String findRelaxed(String requested) {
		if (!this.firstElements.contains(RelaxedNames.firstElement(requested))) {
			return null;
		}
		for (int i = lowerBound(this.names, requested); i < this.names.length
				&& RelaxedNames.compareUniform(this.names[i], requested) == 0; i++) {
			if (RelaxedNames.isSameProperty(requested, this.names[i])) {
				return this.names[i];
			}
		}
		return null;
	}

	boolean hasNamesUnder(String group) {
		if (!this.firstElements.contains(RelaxedNames.firstElement(group))) {
			return false;
		}
		int i = groupStart(group);
		return i < this.names.length && RelaxedNames.compareToGroup(this.names[i], group) == 0;
	}

	List<String> namesUnder(String group) {
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
		int i = lowerBound(this.names, group);
		while (i < this.names.length && RelaxedNames.compareUniform(this.names[i], group) == 0) {
			i++;
		}
		return i;
	}

	/**
	 * This index with names added and removed.
	 * @param added names not held, in any order; sorted in place
	 * @param removed names held, in any order; sorted in place
	 * @return the new index, or this one when neither list holds a name
	 */
	PropertyNameIndex with(List<String> added, List<String> removed) {
		if (added.isEmpty() && removed.isEmpty()) {
			return this;
		}
		String[] current = this.names;
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
		return new PropertyNameIndex(names, firstElements(names, added, removed));
	}

	// The first elements of the new names: those of the added names join, those of the
	// removed names leave when no name starts with them any more.
	private Set<String> firstElements(String[] names, List<String> added, List<String> removed) {
		Set<String> firstElements = new HashSet<>(this.firstElements);
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
