package io.github.etcdconfig.config;

import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.core.env.EnumerablePropertySource;

/**
 * The properties of one etcd source, read from the {@link EtcdConfigStore}'s current snapshot. The store swaps
 * snapshots atomically, so a reader sees one revision at a time and never blocks.
 */
public class EtcdPropertySource extends EnumerablePropertySource<EtcdConfigStore> implements OriginLookup<String> {

	/**
	 * Create a property source.
	 * @param name the name of the source in the Environment
	 * @param store the live store
	 */
	public EtcdPropertySource(String name, EtcdConfigStore store) {
		super(name, store);
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
		return getSource().getSnapshot().getPropertyNames();
	}

	@Override
	public Origin getOrigin(String name) {
		return getSource().getSnapshot().getOrigin(name);
	}

}
