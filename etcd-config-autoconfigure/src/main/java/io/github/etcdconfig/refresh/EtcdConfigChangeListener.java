package io.github.etcdconfig.refresh;

import io.github.etcdconfig.config.EtcdConfigSnapshot;
import io.github.etcdconfig.config.EtcdConfigStore;

/**
 * Receives each change the {@link EtcdConfigWatcher} applied to a store, on the watcher's
 * applier thread, after the store's snapshot was replaced.
 */
@FunctionalInterface
public interface EtcdConfigChangeListener {

	/**
	 * A change was applied.
	 * @param store the store, already showing the new snapshot
	 * @param update the new snapshot and the properties whose value changed
	 */
	void onChange(EtcdConfigStore store, EtcdConfigSnapshot.Update update);

}
