package io.github.etcdconfig.refresh;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Which properties change with another through placeholders: when
 * {@code app.url=${database.host}:5432} and {@code database.host} changes,
 * {@code app.url} changes too, and beans bound to it must follow.
 *
 * <p>
 * The index of references is built once and kept until a property source is replaced or
 * {@link #invalidate()} is called (an etcd change that adds or removes a placeholder), so
 * a change costs a look-up per changed name, not a scan of every property.
 */
public class EtcdPlaceholderDependencies {

	private final ConfigurableEnvironment environment;

	private volatile Index index;

	public EtcdPlaceholderDependencies(ConfigurableEnvironment environment) {
		this.environment = environment;
	}

	/**
	 * The changed names and every name whose value refers to one of them, transitively.
	 * @param changed the changed names
	 * @return the closure
	 */
	public Set<String> expand(Collection<String> changed) {
		Map<String, Set<String>> dependents = index().dependents();
		Set<String> result = new LinkedHashSet<>(changed);
		if (dependents.isEmpty()) {
			return result;
		}
		Deque<String> queue = new ArrayDeque<>(changed);
		while (!queue.isEmpty()) {
			for (String dependent : dependents.getOrDefault(queue.poll(), Set.of())) {
				if (result.add(dependent)) {
					queue.add(dependent);
				}
			}
		}
		return result;
	}

	/**
	 * What an {@link EnvironmentChangeEvent} changes, placeholders followed: carried by
	 * the event of a change from etcd ({@link EtcdEnvironmentChangeEvent}), worked out
	 * here for any other, such as an explicit refresh's.
	 * @param event the event
	 * @return the changed properties
	 */
	ChangedProperties changedBy(EnvironmentChangeEvent event) {
		return (event instanceof EtcdEnvironmentChangeEvent etcd) ? etcd.getChanged()
				: ChangedProperties.of(expand(event.getKeys()));
	}

	/**
	 * Forget the index, because a value gained or lost a placeholder.
	 */
	public void invalidate() {
		this.index = null;
	}

	private Index index() {
		List<PropertySource<?>> sources = this.environment.getPropertySources().stream().toList();
		Index index = this.index;
		if (index == null || !index.isFor(sources)) {
			index = build(sources);
			this.index = index;
		}
		return index;
	}

	private static Index build(List<PropertySource<?>> sources) {
		Map<String, Set<String>> dependents = new HashMap<>();
		for (PropertySource<?> source : sources) {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					if (enumerable.getProperty(name) instanceof String value && value.contains("${")) {
						for (String reference : Placeholders.names(value)) {
							dependents.computeIfAbsent(reference, (key) -> new LinkedHashSet<>()).add(name);
						}
					}
				}
			}
		}
		return new Index(sources, dependents);
	}

	/**
	 * References, and the property sources they were read from.
	 *
	 * @param sources the sources at the time
	 * @param dependents for each referenced name, the names whose values refer to it
	 */
	private record Index(List<PropertySource<?>> sources, Map<String, Set<String>> dependents) {

		boolean isFor(List<PropertySource<?>> current) {
			if (current.size() != this.sources.size()) {
				return false;
			}
			for (int i = 0; i < current.size(); i++) {
				if (current.get(i) != this.sources.get(i)) {
					return false;
				}
			}
			return true;
		}

	}

}
