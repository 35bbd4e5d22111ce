package io.github.etcdconfig.config;

import org.springframework.boot.env.PropertySourceInfo;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.core.env.EnumerablePropertySource;

/**
 * The properties of one etcd source, read from the {@link EtcdConfigStore}'s current snapshot. The store swaps
 * snapshots atomically, so a reader sees one revision at a time and never blocks.
 *
 * <p>Its names are those of the snapshot it was created with, and it reports itself immutable, so that Spring
 * Boot maps them once. When names are added or removed, the refresher replaces it in the Environment with a new
 * one before it announces the change; values are read from the live snapshot and need no replacement.
 */
public class EtcdPropertySource extends EnumerablePropertySource<EtcdConfigStore>
		implements OriginLookup<String>, PropertySourceInfo {

	private final String[] names;

	/**
	 * Create a property source with the store's current names.
	 * @param name the name of the source in the Environment
	 * @param store the live store
	 */
	public EtcdPropertySource(String name, EtcdConfigStore store) {
		super(name, store);
		this.names = store.getSnapshot().getPropertyNames();
	}

	@Override
	public Object getProperty(String name) {
		return getSource().getSnapshot().getProperty(name);
	}

	@Override
	public boolean containsProperty(String name) {
		return getProperty(name) != null;
	}

	@Override
	public String[] getPropertyNames() {
		return this.names;
	}

	@Override
	public Origin getOrigin(String name) {
		return getSource().getSnapshot().getOrigin(name);
	}

	@Override
	public boolean isImmutable() {
		return true;
	}

	/**
	 * Whether its names are those of the store's current snapshot.
	 * @return whether it lists the current names
	 */
	public boolean hasCurrentNames() {
		return this.names == getSource().getSnapshot().getPropertyNames();
	}

}
