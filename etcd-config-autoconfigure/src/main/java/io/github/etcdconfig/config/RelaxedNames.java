package io.github.etcdconfig.config;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * Property names ordered and matched the way Spring Boot's relaxed binding matches them,
 * without a {@link ConfigurationPropertyName} per name. Names compare by their uniform
 * form: outside brackets an element keeps only its lower-cased letters and digits
 * ({@code rate-limit}, {@code rateLimit} and {@code rate_limit} are all
 * {@code ratelimit}), an index keeps its text, and an index is an element like any other
 * ({@code servers[0]} and {@code servers.0} are both {@code servers.0}). Names of the
 * same uniform form follow in the order of their text, so the order is total, every name
 * a request may mean is adjacent to the others, and the names under a group are one
 * range.
 *
 * <p>
 * The uniform form can make two names alike that Spring Boot keeps apart (an index
 * holding a dot), so a match is confirmed with {@link ConfigurationPropertyName} before
 * it is used; ranges may hold such a name too many.
 */
final class RelaxedNames {

	/** The order of the names a snapshot holds. */
	static final Comparator<String> ORDER = RelaxedNames::compare;

	private static final int END = -1;

	private static final char BOUNDARY = '.';

	private RelaxedNames() {
	}

	static int compare(String a, String b) {
		int uniform = compareUniform(a, b);
		return (uniform != 0) ? uniform : a.compareTo(b);
	}

	/**
	 * Sort names in {@link #ORDER} and drop repeated ones, working out each name's
	 * uniform form once rather than at every comparison: a first load sorts every name,
	 * and in a JVM that has just started the comparisons run before the JIT compiles
	 * them.
	 * @param names the names, sorted in place
	 */
	static void sortDistinct(List<String> names) {
		String[][] keyed = new String[names.size()][];
		for (int i = 0; i < keyed.length; i++) {
			String name = names.get(i);
			keyed[i] = new String[] { uniform(name), name };
		}
		Arrays.sort(keyed, (x, y) -> {
			int uniform = x[0].compareTo(y[0]);
			return (uniform != 0) ? uniform : x[1].compareTo(y[1]);
		});
		names.clear();
		for (String[] name : keyed) {
			if (names.isEmpty() || !names.get(names.size() - 1).equals(name[1])) {
				names.add(name[1]);
			}
		}
	}

	// The uniform form as text: its characters compare as compareUniform compares them,
	// and a shorter form that
	// starts another sorts first, as END does.
	private static String uniform(String name) {
		if (isUniform(name)) {
			return name;
		}
		Cursor cursor = new Cursor(name);
		StringBuilder uniform = new StringBuilder(name.length());
		for (int c = cursor.next(); c != END; c = cursor.next()) {
			uniform.append((char) c);
		}
		return uniform.toString();
	}

	/**
	 * Compare the uniform forms of two names.
	 * @param a a name
	 * @param b another name
	 * @return below zero, zero or above zero as {@code a}'s uniform form sorts before,
	 * with or after {@code b}'s
	 */
	static int compareUniform(String a, String b) {
		Cursor x = new Cursor(a);
		Cursor y = new Cursor(b);
		while (true) {
			int cx = x.next();
			int cy = y.next();
			if (cx != cy || cx == END) {
				return Integer.compare(cx, cy);
			}
		}
	}

	/**
	 * Where a name lies against the names under a group: those whose uniform form is the
	 * group's followed by more elements.
	 * @param name a name
	 * @param group the group
	 * @return below zero when the name sorts before the names under the group, zero when
	 * it is one of them, above zero when it sorts after them
	 */
	static int compareToGroup(String name, String group) {
		Cursor x = new Cursor(name);
		Cursor y = new Cursor(group);
		while (true) {
			int cx = x.next();
			int cy = y.next();
			if (cy == END) {
				// The group itself sorts before its members; other names continue an
				// element and sort after.
				return (cx == BOUNDARY) ? 0 : (cx == END) ? -1 : 1;
			}
			if (cx != cy) {
				return Integer.compare(cx, cy);
			}
		}
	}

	/**
	 * The uniform form of a name's first element: all names whose first elements Spring
	 * Boot binds alike have the same one.
	 * @param name a name
	 * @return the uniform form of its first element
	 */
	static String firstElement(String name) {
		if (isUniform(name)) {
			int boundary = name.indexOf(BOUNDARY);
			return (boundary < 0) ? name : name.substring(0, boundary);
		}
		Cursor cursor = new Cursor(name);
		StringBuilder first = new StringBuilder();
		for (int c = cursor.next(); c != END && c != BOUNDARY; c = cursor.next()) {
			first.append((char) c);
		}
		return first.toString();
	}

	/**
	 * The uniform forms of the first elements of names.
	 * @param names names in {@link #ORDER}
	 * @return the first elements
	 */
	static Set<String> firstElements(String[] names) {
		Set<String> firstElements = new HashSet<>();
		String previous = null;
		for (String name : names) {
			// Names of one first element are adjacent in the order: most start with the
			// element of the one before.
			// The element is uniform, so a name that starts with it and a boundary has it
			// as its first element,
			// whatever follows.
			if (previous != null && name.startsWith(previous)
					&& (name.length() == previous.length() || name.charAt(previous.length()) == BOUNDARY)) {
				continue;
			}
			previous = firstElement(name);
			firstElements.add(previous);
		}
		return Set.copyOf(firstElements);
	}

	// Lower-case letters, digits and dots: most names are their own uniform form, with no
	// cursor to walk.
	private static boolean isUniform(String name) {
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == BOUNDARY)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether Spring Boot binds a requested name to a held one.
	 * @param requested the name asked for
	 * @param held a name of the same uniform form
	 * @return whether they are the same property
	 */
	static boolean isSameProperty(String requested, String held) {
		ConfigurationPropertyName a = ConfigurationPropertyName.adapt(requested, '.');
		return !a.isEmpty() && a.equals(ConfigurationPropertyName.adapt(held, '.'));
	}

	/** Walks the characters of a name's uniform form. */
	private static final class Cursor {

		private final String name;

		private int index;

		private boolean inBrackets;

		Cursor(String name) {
			this.name = name;
		}

		int next() {
			while (this.index < this.name.length()) {
				char c = this.name.charAt(this.index++);
				if (this.inBrackets) {
					if (c != ']') {
						return c;
					}
					this.inBrackets = false;
				}
				else if (c == '[') {
					this.inBrackets = true;
					return BOUNDARY;
				}
				else if (c == '.') {
					return BOUNDARY;
				}
				else {
					char lower = Character.toLowerCase(c);
					if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9')) {
						return lower;
					}
				}
			}
			return END;
		}

	}

}
