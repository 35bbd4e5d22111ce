package io.github.etcdconfig.refresh;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * The names of an {@code EnvironmentChangeEvent}, in the forms needed to decide which
 * beans a change touches. A name that cannot be understood makes every bean touched:
 * rebinding too much is safe, too little is not.
 */
final class ChangedProperties {

	private final Set<String> names;

	private final Set<ConfigurationPropertyName> propertyNames = new LinkedHashSet<>();

	private boolean everything;

	private ChangedProperties(Collection<String> names) {
		this.names = new LinkedHashSet<>(names);
		for (String name : names) {
			add(name);
		}
	}

	static ChangedProperties of(Collection<String> names) {
		return new ChangedProperties(names);
	}

	private void add(String name) {
		ConfigurationPropertyName adapted = ConfigurationPropertyName.adapt(name, '.');
		if (adapted.isEmpty()) {
			this.everything = true;
			return;
		}
		this.propertyNames.add(adapted);
		if (name.indexOf('.') < 0 && name.indexOf('_') >= 0) {
			// An environment variable, as the stock refresh reports them: DATABASE_HOST
			// is database.host.
			this.propertyNames.add(ConfigurationPropertyName.adapt(name.toLowerCase(Locale.ROOT), '_'));
		}
	}

	Set<String> names() {
		return this.names;
	}

	boolean isEmpty() {
		return this.names.isEmpty();
	}

	/**
	 * Whether a bean bound under a prefix is touched.
	 * @param prefix the prefix, empty for beans bound at the root
	 * @return whether a changed name is the prefix, under it or above it
	 */
	boolean touches(ConfigurationPropertyName prefix) {
		if (this.everything || prefix.isEmpty()) {
			return true;
		}
		for (ConfigurationPropertyName name : this.propertyNames) {
			if (name.equals(prefix) || prefix.isAncestorOf(name) || name.isAncestorOf(prefix)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a placeholder refers to a changed name.
	 * @param placeholder a name inside {@code ${...}}
	 * @return whether it changed
	 */
	boolean contains(String placeholder) {
		if (this.everything || this.names.contains(placeholder)) {
			return true;
		}
		ConfigurationPropertyName adapted = ConfigurationPropertyName.adapt(placeholder, '.');
		return !adapted.isEmpty() && this.propertyNames.contains(adapted);
	}

}
