package io.github.etcdconfig.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.boot.env.PropertySourceInfo;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.core.env.AbstractEnvironment;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * The properties of one etcd source, read from the {@link EtcdConfigStore}'s current
 * snapshot. The store swaps snapshots atomically, so a reader sees one revision at a time
 * and never blocks.
 *
 * <p>
 * It lists every name, for whatever enumerates property sources (Spring Cloud's refresh,
 * {@code /actuator/env}). Spring Boot's binder reads it differently, because Boot keeps a
 * cache of every name of an enumerable source, about 550 B per name and two per source:
 * five times the snapshot itself. Boot reads a property source whose source is an
 * environment through that environment's sources, and this one's source is an environment
 * of two views of the snapshot, which both find names in Boot's relaxed forms
 * ({@code my-app.some-value} finds {@code myApp.someValue}) through the snapshot's own
 * names, kept in relaxed order:
 * <ul>
 * <li>one that is not enumerable, so Boot looks names up one at a time and caches
 * none;</li>
 * <li>one that lists only the names under the groups Boot asked for, so that maps
 * ({@code logging.level.*}, a {@code Map} property) and nested beans are bound. Boot asks
 * for a group by its name before it binds its entries; from then on the group's names,
 * present and future, are listed. Boot caches only these: the names the application binds
 * as groups. This view reports itself immutable and is replaced when what it lists
 * changes, so that Boot maps a listing once and sees a new one at once, even in the
 * middle of binding a bean.</li>
 * </ul>
 * A thread that evaluates a proposed change reads the store's candidate snapshot
 * ({@link EtcdConfigStore#withCandidate}); its listings are made for it alone and never
 * kept, so other threads' binding is unaffected.
 */
public class EtcdPropertySource extends EnumerablePropertySource<ConfigurableEnvironment>
		implements OriginLookup<String> {

	private static final String[] NO_NAMES = {};

	private final EtcdConfigStore store;

	private final ByName byName;

	private final AtomicReference<Groups> groups;

	/**
	 * Create a property source.
	 * @param name the name of the source in the Environment
	 * @param store the live store
	 */
	public EtcdPropertySource(String name, EtcdConfigStore store) {
		super(name, new Views());
		this.store = store;
		this.byName = new ByName(this);
		this.groups = new AtomicReference<>(new Groups(null, NO_NAMES, NO_NAMES, views(NO_NAMES)));
		((Views) getSource()).source = this;
	}

	/**
	 * The store this source reads.
	 * @return the store
	 */
	public EtcdConfigStore getStore() {
		return this.store;
	}

	@Override
	public Object getProperty(String name) {
		return this.store.getSnapshot().getProperty(name);
	}

	@Override
	public boolean containsProperty(String name) {
		return getProperty(name) != null;
	}

	@Override
	public String[] getPropertyNames() {
		return this.store.getSnapshot().getPropertyNames();
	}

	@Override
	public Origin getOrigin(String name) {
		return this.store.getSnapshot().getOrigin(name);
	}

	// A look-up by Spring Boot, in its relaxed forms. A name that is a group of held
	// names makes the group listed
	// from now on.
	private Object lookUp(String name) {
		EtcdConfigSnapshot snapshot = this.store.getSnapshot();
		if (snapshot.hasNamesUnder(name) && !this.groups.get().covers(name)) {
			// The listing kept is the live snapshot's, even when a candidate asked.
			EtcdConfigSnapshot live = this.store.getLiveSnapshot();
			this.groups.updateAndGet((groups) -> groups.with(name, live, this::views));
		}
		return relaxedProperty(snapshot, name);
	}

	private static Object relaxedProperty(EtcdConfigSnapshot snapshot, String name) {
		String held = snapshot.findName(name);
		return (held != null) ? snapshot.getProperty(held) : null;
	}

	private Origin relaxedOrigin(String name) {
		EtcdConfigSnapshot snapshot = this.store.getSnapshot();
		String held = snapshot.findName(name);
		return (held != null) ? snapshot.getOrigin(held) : null;
	}

	// The views as of the current snapshot.
	private MutablePropertySources currentViews() {
		EtcdConfigSnapshot snapshot = this.store.getSnapshot();
		Groups groups = this.groups.get();
		if (groups.names() != snapshot.getPropertyNames()) {
			if (this.store.isCandidate(snapshot)) {
				// Listed for the evaluating thread alone; live readers never see it.
				return groups.at(snapshot, this::views).views();
			}
			groups = this.groups.updateAndGet((current) -> current.at(snapshot, this::views));
		}
		return groups.views();
	}

	private MutablePropertySources views(String[] listed) {
		MutablePropertySources views = new MutablePropertySources();
		views.addLast(this.byName);
		views.addLast(new Grouped(this, listed));
		return views;
	}

	/**
	 * The groups asked for and the views listing their names at one snapshot's names.
	 *
	 * @param names the snapshot's names the listing was made from, {@code null} before it
	 * was made
	 * @param prefixes the groups, none under another
	 * @param listed the names under them
	 * @param views the views, kept while the listing stays the same
	 */
	private record Groups(String[] names, String[] prefixes, String[] listed, MutablePropertySources views) {

		boolean covers(String name) {
			for (String prefix : this.prefixes) {
				if (RelaxedNames.compareToGroup(name, prefix) == 0 || RelaxedNames.compareUniform(name, prefix) == 0) {
					return true;
				}
			}
			return false;
		}

		Groups with(String group, EtcdConfigSnapshot snapshot, ViewFactory factory) {
			if (covers(group)) {
				return this;
			}
			List<String> prefixes = new ArrayList<>(this.prefixes.length + 1);
			for (String prefix : this.prefixes) {
				if (RelaxedNames.compareToGroup(prefix, group) != 0) {
					prefixes.add(prefix);
				}
			}
			prefixes.add(group);
			return new Groups(null, prefixes.toArray(NO_NAMES), this.listed, this.views).at(snapshot, factory);
		}

		Groups at(EtcdConfigSnapshot snapshot, ViewFactory factory) {
			if (this.names == snapshot.getPropertyNames()) {
				return this;
			}
			List<String> listed = new ArrayList<>();
			for (String prefix : this.prefixes) {
				listed.addAll(snapshot.namesUnder(prefix));
			}
			String[] names = listed.toArray(NO_NAMES);
			if (Arrays.equals(names, this.listed)) {
				return new Groups(snapshot.getPropertyNames(), this.prefixes, this.listed, this.views);
			}
			return new Groups(snapshot.getPropertyNames(), this.prefixes, names, factory.views(names));
		}

	}

	@FunctionalInterface
	private interface ViewFactory {

		MutablePropertySources views(String[] listed);

	}

	/**
	 * The environment Spring Boot's binder reads this source through. Boot only asks it
	 * for its property sources.
	 */
	private static final class Views extends AbstractEnvironment {

		private EtcdPropertySource source;

		@Override
		public MutablePropertySources getPropertySources() {
			return this.source.currentViews();
		}

	}

	/** The view Spring Boot looks names up in, one at a time. */
	private static final class ByName extends PropertySource<EtcdPropertySource> implements OriginLookup<String> {

		ByName(EtcdPropertySource source) {
			super(source.getName() + " (by name)", source);
		}

		@Override
		public Object getProperty(String name) {
			return getSource().lookUp(name);
		}

		@Override
		public Origin getOrigin(String name) {
			return getSource().relaxedOrigin(name);
		}

	}

	/**
	 * The view listing the names under the groups Spring Boot asked for, as they were
	 * when it was made.
	 */
	private static final class Grouped extends EnumerablePropertySource<EtcdPropertySource>
			implements OriginLookup<String>, PropertySourceInfo {

		private final String[] names;

		Grouped(EtcdPropertySource source, String[] names) {
			super(source.getName() + " (groups)", source);
			this.names = names;
		}

		@Override
		public String[] getPropertyNames() {
			return this.names;
		}

		@Override
		public Object getProperty(String name) {
			return relaxedProperty(getSource().store.getSnapshot(), name);
		}

		@Override
		public Origin getOrigin(String name) {
			return getSource().relaxedOrigin(name);
		}

		@Override
		public boolean isImmutable() {
			return true;
		}

	}

}
