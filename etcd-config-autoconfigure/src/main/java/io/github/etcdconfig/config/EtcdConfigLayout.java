package io.github.etcdconfig.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.util.StringUtils;

/**
 * The resolved key prefixes of one etcd source, in increasing precedence, and the profiles they were resolved for.
 * Decides which layer a key belongs to (the longest prefix that contains it) and which prefixes must be read and
 * watched (the roots: prefixes that no other prefix contains).
 *
 * @param prefixes the prefixes, lowest precedence first
 * @param profiles the active profiles, used by documents with spring.config.activate.on-profile
 */
public record EtcdConfigLayout(List<String> prefixes, Set<String> profiles) {

	public EtcdConfigLayout {
		prefixes = List.copyOf(prefixes);
		profiles = Collections.unmodifiableSet(new LinkedHashSet<>(profiles));
	}

	/**
	 * Resolve prefix patterns for an application.
	 * @param patterns prefixes that may contain {@code {application}} and {@code {profile}}
	 * @param applicationName spring.application.name, or {@code null}
	 * @param profiles the active profiles, in activation order
	 * @return the layout
	 */
	public static EtcdConfigLayout resolve(Collection<String> patterns, String applicationName,
			Collection<String> profiles) {
		LinkedHashSet<String> resolved = new LinkedHashSet<>();
		for (String pattern : patterns) {
			if (pattern.contains(EtcdConfigProperties.APPLICATION_PLACEHOLDER)) {
				if (!StringUtils.hasText(applicationName)) {
					continue;
				}
				pattern = pattern.replace(EtcdConfigProperties.APPLICATION_PLACEHOLDER, applicationName);
			}
			if (pattern.contains(EtcdConfigProperties.PROFILE_PLACEHOLDER)) {
				for (String profile : profiles) {
					addLast(resolved, pattern.replace(EtcdConfigProperties.PROFILE_PLACEHOLDER, profile));
				}
			}
			else {
				addLast(resolved, pattern);
			}
		}
		return new EtcdConfigLayout(new ArrayList<>(resolved), new LinkedHashSet<>(profiles));
	}

	// A prefix named twice ranks where it was named last.
	private static void addLast(LinkedHashSet<String> set, String value) {
		set.remove(value);
		set.add(value);
	}

	/**
	 * The layer of a key: the index of the longest prefix that contains it.
	 * @param key the etcd key
	 * @return the index into {@link #prefixes()}, or -1 when no prefix contains the key
	 */
	public int layerOf(String key) {
		int best = -1;
		for (int i = 0; i < this.prefixes.size(); i++) {
			String prefix = this.prefixes.get(i);
			if (key.startsWith(prefix) && (best < 0 || prefix.length() > this.prefixes.get(best).length())) {
				best = i;
			}
		}
		return best;
	}

	/**
	 * The prefixes to read and watch: those that no other prefix contains.
	 * @return the roots, sorted
	 */
	public List<String> roots() {
		List<String> roots = new ArrayList<>();
		for (String prefix : this.prefixes) {
			boolean contained = this.prefixes.stream()
				.anyMatch((other) -> !other.equals(prefix) && prefix.startsWith(other));
			if (!contained) {
				roots.add(prefix);
			}
		}
		Collections.sort(roots);
		return roots;
	}

	@Override
	public String toString() {
		return String.join(", ", this.prefixes);
	}

}
