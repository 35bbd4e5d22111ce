package io.github.etcdconfig.benchmarks;

import io.github.etcdconfig.config.EtcdConfigDataResource;
import io.github.etcdconfig.config.EtcdConfigSnapshot;
import io.github.etcdconfig.config.EtcdConfigStore;
import io.github.etcdconfig.config.EtcdConfigStores;
import io.github.etcdconfig.config.EtcdPropertyChange;
import io.github.etcdconfig.refresh.EtcdConfigWatcher;
import io.github.etcdconfig.watch.EtcdWatchStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;

/**
 * An instance with the starter's own code from the load on: {@link EtcdConfigStores#load}
 * (client, paged read with retries, snapshot) and {@link EtcdConfigWatcher} (one watch
 * per key range of the default layout, the applier thread, coalescing, liveness check,
 * recovery). Only Spring is left out: the instance holds a value once the watcher has
 * swapped in the snapshot that has it, which is when the watcher calls its listener.
 */
final class ScaleStarterInstance implements ScaleInstance {

	private static final Log logger = LogFactory.getLog(ScaleStarterInstance.class);

	private final int index;

	private final EtcdConfigDataResource resource;

	private final ScaleArrivals arrivals;

	private final EtcdConfigStores stores = EtcdConfigStores.get(new DefaultBootstrapContext());

	private EtcdConfigStore store;

	private EtcdConfigWatcher watcher;

	ScaleStarterInstance(int index, EtcdConfigDataResource resource, ScaleArrivals arrivals) {
		this.index = index;
		this.resource = resource;
		this.arrivals = arrivals;
	}

	@Override
	public void connect() {
		this.store = this.stores.load(this.resource, logger);
	}

	@Override
	public void watch() {
		this.watcher = new EtcdConfigWatcher(this.store, this::changed);
		this.watcher.start();
	}

	private void changed(EtcdConfigStore store, EtcdConfigSnapshot.Update update) {
		long now = System.nanoTime();
		for (EtcdPropertyChange change : update.changes()) {
			if (PROBE_NAME.equals(change.name()) && change.newValue() != null) {
				this.arrivals.record(this.index, Long.parseLong(change.newValue().toString()), now);
			}
		}
	}

	@Override
	public boolean isWatching() {
		return this.watcher != null
				&& this.watcher.getWatcher().getStatus().getState() == EtcdWatchStatus.State.WATCHING;
	}

	@Override
	public long disturbances() {
		EtcdWatchStatus status = this.watcher.getWatcher().getStatus();
		return status.getReconnects() + status.getResyncs();
	}

	@Override
	public void close() {
		if (this.watcher != null) {
			this.watcher.stop();
		}
		this.stores.destroy();
	}

}
