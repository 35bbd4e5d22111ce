package io.github.etcdconfig.refresh;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.github.etcdconfig.config.EtcdConfigDataResource;
import io.github.etcdconfig.config.EtcdConfigSnapshot;
import io.github.etcdconfig.config.EtcdConfigStore;
import io.github.etcdconfig.ranges.EtcdKeyEvent;
import io.github.etcdconfig.ranges.EtcdKeyRange;
import io.github.etcdconfig.watch.EtcdPrefixWatcher;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Follows one {@link EtcdConfigStore}: an {@link EtcdPrefixWatcher} on the store's key
 * ranges whose events become the store's next snapshot, and whose every effective change
 * goes to an {@link EtcdConfigChangeListener}. A key that cannot be used keeps its
 * previous value, with a warning (or an error for a broken document).
 */
public class EtcdConfigWatcher implements EtcdPrefixWatcher.Target {

	private static final Log logger = LogFactory.getLog(EtcdConfigWatcher.class);

	private final EtcdConfigStore store;

	private final EtcdConfigChangeListener listener;

	private final EtcdPrefixWatcher watcher;

	private final AtomicLong refreshes = new AtomicLong();

	/**
	 * Create a watcher.
	 * @param store the store to follow
	 * @param listener receives every change
	 */
	public EtcdConfigWatcher(EtcdConfigStore store, EtcdConfigChangeListener listener) {
		this.store = store;
		this.listener = listener;
		EtcdConfigDataResource resource = store.getResource();
		this.watcher = new EtcdPrefixWatcher(store.getClient(), this,
				EtcdPrefixWatcher.Settings.of(resource.getConfig().getWatch(),
						resource.getConnection().getRequestTimeout(), resource.getConfig().getPageSize()));
	}

	public void start() {
		this.store.setWatched(true);
		this.store.setApplier(new EtcdConfigStore.Applier() {

			@Override
			public void execute(Runnable task) {
				EtcdConfigWatcher.this.watcher.execute(task);
			}

			@Override
			public void publish(EtcdConfigSnapshot.Update update) {
				EtcdConfigWatcher.this.publish(update);
			}

		});
		this.watcher.start();
	}

	public void stop() {
		this.watcher.stop();
		this.store.setApplier(null);
		this.store.setWatched(false);
	}

	public EtcdConfigStore getStore() {
		return this.store;
	}

	/**
	 * The watch underneath: its state, errors and counters.
	 * @return the prefix watcher
	 */
	public EtcdPrefixWatcher getWatcher() {
		return this.watcher;
	}

	/**
	 * The revision of the applied snapshot.
	 * @return the revision, 0 before etcd was read
	 */
	public long getAppliedRevision() {
		return this.store.getSnapshot().getRevision();
	}

	/**
	 * The number of changes that reached the application.
	 * @return the count
	 */
	public long getRefreshes() {
		return this.refreshes.get();
	}

	@Override
	public List<EtcdKeyRange> ranges() {
		return this.store.getResource().getLayout().ranges();
	}

	@Override
	public long loadedRevision() {
		// Values from the snapshot file may predate a wiped or replaced etcd: read
		// everything once it answers.
		return this.store.isFromSnapshotFile() ? 0 : this.store.getSnapshot().getRevision();
	}

	@Override
	public void apply(List<EtcdKeyEvent> events, long revision) {
		publish(this.store.apply(events, revision, (problem) -> problem.log(logger)));
	}

	@Override
	public void resync(List<EtcdKeyEvent> keys, long revision) {
		publish(this.store.applyRead(keys, revision, (problem) -> problem.log(logger)));
	}

	private void publish(EtcdConfigSnapshot.Update update) {
		if (!update.isEmpty()) {
			this.refreshes.incrementAndGet();
			this.listener.onChange(this.store, update);
		}
	}

	@Override
	public String toString() {
		return this.store.getResource().toString();
	}

}
