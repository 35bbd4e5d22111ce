package io.github.etcdconfig.config;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.client.EtcdMemberChoice;
import io.github.etcdconfig.ranges.EtcdConfigReader;
import io.github.etcdconfig.ranges.EtcdKeyEvent;

/**
 * The live, in-memory copy of one etcd source: the current {@link EtcdConfigSnapshot} and
 * the client that reads it. Property sources read the snapshot; the store alone makes and
 * swaps in the next one, when the loader reads etcd or the watcher's single applier
 * thread hands it changes ({@link #apply}, {@link #applyRead}, {@link #readAgain}).
 */
public final class EtcdConfigStore implements AutoCloseable {

	private final EtcdConfigDataResource resource;

	// Made once: every change names its source (the refresh's observation,
	// EtcdConfigChangedEvent).
	private final String name;

	private final Client client;

	private volatile EtcdConfigSnapshot snapshot;

	// Null unless a proposed change is being evaluated: a reader pays one volatile read.
	private volatile Candidate candidate;

	private volatile boolean fromSnapshotFile;

	private volatile boolean watched;

	// The watcher's applier thread, while a watcher keeps this store current.
	private volatile Applier applier;

	private final EtcdConfigSnapshotFile snapshotFile;

	private final AtomicBoolean closed = new AtomicBoolean();

	private final List<Runnable> snapshotListeners = new CopyOnWriteArrayList<>();

	// Serialises every compute-and-swap of the snapshot (the applier's changes, an
	// explicit refresh's read, an identity set without a watcher), so that none is
	// computed from a snapshot another replaces meanwhile. Held around no etcd call and
	// no Spring code.
	private final Object swapping = new Object();

	EtcdConfigStore(EtcdConfigDataResource resource, Client client, EtcdConfigSnapshot snapshot,
			EtcdConfigSnapshotFile snapshotFile) {
		this.resource = resource;
		this.name = resource.toString();
		this.client = client;
		this.snapshot = snapshot;
		this.snapshotFile = snapshotFile;
	}

	public EtcdConfigDataResource getResource() {
		return this.resource;
	}

	public Client getClient() {
		return this.client;
	}

	/**
	 * The snapshot the application reads: the live one, or, on a thread that evaluates a
	 * proposed change ({@link #withCandidate}), the candidate.
	 * @return the snapshot
	 */
	public EtcdConfigSnapshot getSnapshot() {
		Candidate candidate = this.candidate;
		if (candidate != null && candidate.thread() == Thread.currentThread()) {
			return candidate.snapshot();
		}
		return this.snapshot;
	}

	/**
	 * The live snapshot, whichever thread asks.
	 * @return the snapshot
	 */
	public EtcdConfigSnapshot getLiveSnapshot() {
		return this.snapshot;
	}

	/**
	 * Run an action that reads a candidate snapshot in place of the live one, on the
	 * calling thread only: binding and placeholder resolution on that thread see the
	 * candidate, while every other thread keeps reading the live snapshot. Confined to
	 * one thread (the proposals' applier): the check below catches a misuse, it does not
	 * make two threads safe.
	 * @param <T> the result type
	 * @param candidate the snapshot to show
	 * @param action the action
	 * @return the action's result
	 */
	public <T> T withCandidate(EtcdConfigSnapshot candidate, Supplier<T> action) {
		Candidate previous = this.candidate;
		if (previous != null && previous.thread() != Thread.currentThread()) {
			throw new IllegalStateException("Another thread evaluates a candidate of " + this.name);
		}
		this.candidate = new Candidate(Thread.currentThread(), candidate);
		try {
			return action.get();
		}
		finally {
			this.candidate = previous;
		}
	}

	/**
	 * Whether a snapshot is a candidate shown to the calling thread only, which must
	 * leave nothing behind that other threads would read.
	 * @param snapshot a snapshot from {@link #getSnapshot()}
	 * @return whether it is a candidate
	 */
	public boolean isCandidate(EtcdConfigSnapshot snapshot) {
		Candidate candidate = this.candidate;
		return candidate != null && candidate.snapshot() == snapshot && candidate.thread() == Thread.currentThread();
	}

	/**
	 * Apply watched events, in order, and swap in the snapshot they make. Called by one
	 * thread at a time: the watcher's applier.
	 * @param events the events
	 * @param revision the revision the result stands for
	 * @param problems receives each key that could not be used; its previous value, if
	 * any, is kept
	 * @return the new snapshot and the changed properties
	 */
	public EtcdConfigSnapshot.Update apply(List<EtcdKeyEvent> events, long revision,
			Consumer<EtcdConfigProblem> problems) {
		return update((snapshot) -> snapshot.apply(events, revision, problems));
	}

	/**
	 * Move to the state of a full read and swap in the snapshot it makes, as
	 * {@link EtcdConfigSnapshot#applyRead} does. Called by one thread at a time: the
	 * watcher's applier.
	 * @param keys every key of this source, read at one revision
	 * @param revision the revision of the read
	 * @param problems receives each key that could not be used
	 * @return the new snapshot and the changed properties
	 */
	public EtcdConfigSnapshot.Update applyRead(List<EtcdKeyEvent> keys, long revision,
			Consumer<EtcdConfigProblem> problems) {
		return update((snapshot) -> snapshot.applyRead(keys, revision, problems));
	}

	/**
	 * Read every key of this source again and move to that state: what an explicit
	 * refresh does when no watcher keeps the store current.
	 * @param problems receives each key that could not be used
	 * @return the new snapshot and the changed properties
	 * @throws Exception when etcd cannot be read; the snapshot is kept
	 */
	public EtcdConfigSnapshot.Update readAgain(Consumer<EtcdConfigProblem> problems) throws Exception {
		EtcdConfigReader.Result read = read();
		return applyRead(read.keys(), read.revision(), problems);
	}

	/**
	 * Match the staged rollouts' selectors against this instance's identity from now on,
	 * showing or hiding each rollout's values. On the watcher's applier thread when one
	 * keeps this store current, so the change is one refresh like any other; at once
	 * otherwise.
	 * @param identity the identity
	 * @return completes once the snapshot with the identity is in and its change was
	 * published
	 */
	public CompletableFuture<Void> setIdentity(EtcdInstanceIdentity identity) {
		Applier applier = this.applier;
		if (applier == null) {
			swapIdentity(identity);
			return CompletableFuture.completedFuture(null);
		}
		CompletableFuture<Void> done = new CompletableFuture<>();
		applier.execute(() -> {
			try {
				applier.publish(swapIdentity(identity));
				done.complete(null);
			}
			catch (RuntimeException ex) {
				done.completeExceptionally(ex);
			}
		});
		return done;
	}

	/**
	 * Set the thread that alone changes this store while it is watched, and where its
	 * changes are published.
	 * @param applier the applier, or {@code null} when no watcher keeps the store current
	 */
	public void setApplier(Applier applier) {
		this.applier = applier;
	}

	// The identity changes which values show, not where they came from: values from the
	// snapshot file stay stale (and out of the file) until etcd is read.
	private EtcdConfigSnapshot.Update swapIdentity(EtcdInstanceIdentity identity) {
		synchronized (this.swapping) {
			EtcdConfigSnapshot.Update update = this.snapshot.withIdentity(identity);
			if (this.fromSnapshotFile) {
				this.snapshot = update.snapshot();
				return update;
			}
			setSnapshot(update.snapshot());
			return update;
		}
	}

	private EtcdConfigSnapshot.Update update(Function<EtcdConfigSnapshot, EtcdConfigSnapshot.Update> change) {
		synchronized (this.swapping) {
			EtcdConfigSnapshot.Update update = change.apply(this.snapshot);
			setSnapshot(update.snapshot());
			return update;
		}
	}

	/**
	 * Be told when a new snapshot is swapped in, whether or not it changes a property:
	 * what reports the applied state waits for this instead of asking at intervals.
	 * @param listener called on the thread that swapped it in (the watcher's applier
	 * thread, or the loader's); it must return at once
	 */
	public void addSnapshotListener(Runnable listener) {
		this.snapshotListeners.add(listener);
	}

	// Keeps a snapshot read from etcd in the snapshot file, when there is one.
	void setSnapshot(EtcdConfigSnapshot snapshot) {
		synchronized (this.swapping) {
			this.snapshot = snapshot;
			this.fromSnapshotFile = false;
			if (this.snapshotFile != null && snapshot.getRevision() > 0) {
				this.snapshotFile.write(snapshot);
			}
		}
		this.snapshotListeners.forEach(Runnable::run);
	}

	void setSnapshotFromFile(EtcdConfigSnapshot snapshot) {
		synchronized (this.swapping) {
			this.snapshot = snapshot;
			this.fromSnapshotFile = true;
		}
		this.snapshotListeners.forEach(Runnable::run);
	}

	/**
	 * The snapshot file, when etcd.config.snapshot.path is set.
	 * @return the file, or {@code null}
	 */
	public EtcdConfigSnapshotFile getSnapshotFile() {
		return this.snapshotFile;
	}

	/**
	 * Whether etcd has been read: {@code false} while an optional source started without
	 * etcd.
	 * @return whether the snapshot comes from etcd
	 */
	public boolean isLoaded() {
		return this.snapshot.getRevision() > 0;
	}

	/**
	 * Whether the values come from the snapshot file (etcd.config.snapshot.path) because
	 * etcd could not be read at start-up: they may be stale until the watcher reads etcd.
	 * @return whether the values are from the snapshot file
	 */
	public boolean isFromSnapshotFile() {
		return this.fromSnapshotFile;
	}

	/**
	 * Whether a watcher keeps this store current. Without one, an explicit refresh reads
	 * etcd again.
	 * @return whether the store is watched
	 */
	public boolean isWatched() {
		return this.watched;
	}

	public void setWatched(boolean watched) {
		this.watched = watched;
	}

	/**
	 * The name of this source in the Environment.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * A property source reading this store.
	 * @return the property source
	 */
	public EtcdPropertySource createPropertySource() {
		return new EtcdPropertySource(getName(), this);
	}

	/**
	 * Read every key of this source at one revision.
	 * @return the keys and their revision
	 * @throws Exception when etcd cannot be read
	 */
	public EtcdConfigReader.Result read() throws Exception {
		return reader().read(this.resource.getLayout().ranges());
	}

	/**
	 * Read every key of this source at one revision, handing each over as its page
	 * arrives.
	 * @param keys receives the keys
	 * @return the revision they were read at
	 * @throws Exception when etcd cannot be read
	 */
	public long read(Consumer<EtcdKeyEvent> keys) throws Exception {
		return reader().read(this.resource.getLayout().ranges(), keys);
	}

	/**
	 * Read every key of this source at one revision from where an earlier attempt
	 * stopped, handing each over as its page arrives.
	 * @param keys receives the keys of the pages after {@code progress}
	 * @param progress where the read stands
	 * @return the revision they were read at
	 * @throws Exception when etcd cannot be read
	 * @see EtcdConfigReader#read(List, Consumer, EtcdConfigReader.Progress)
	 */
	public long read(Consumer<EtcdKeyEvent> keys, EtcdConfigReader.Progress progress) throws Exception {
		return reader().read(this.resource.getLayout().ranges(), keys, progress);
	}

	private EtcdConfigReader reader() {
		return new EtcdConfigReader(this.client.getKVClient(), this.resource.getConnection().getRequestTimeout(),
				this.resource.getConfig().getPageSize(), EtcdMemberChoice.of(this.client));
	}

	public boolean isClosed() {
		return this.closed.get();
	}

	/**
	 * Close the snapshot file and the client. Sources that share a client each close it;
	 * closing a jetcd client again does nothing.
	 */
	@Override
	public void close() {
		close(true);
	}

	void close(boolean client) {
		if (this.closed.compareAndSet(false, true)) {
			if (this.snapshotFile != null) {
				this.snapshotFile.close();
			}
			if (client) {
				this.client.close();
			}
		}
	}

	@Override
	public String toString() {
		return this.snapshot.toString();
	}

	/**
	 * The watcher's applier thread, seen from the store.
	 */
	public interface Applier {

		/**
		 * Run a task on the applier thread.
		 * @param task the task
		 */
		void execute(Runnable task);

		/**
		 * Publish a change made on the applier thread, as the watcher publishes the
		 * changes it applies.
		 * @param update the change
		 */
		void publish(EtcdConfigSnapshot.Update update);

	}

	/**
	 * A snapshot shown to one thread.
	 *
	 * @param thread the thread
	 * @param snapshot the snapshot
	 */
	private record Candidate(Thread thread, EtcdConfigSnapshot snapshot) {
	}

}
