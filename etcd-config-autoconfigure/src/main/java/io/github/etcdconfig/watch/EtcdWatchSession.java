package io.github.etcdconfig.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.github.etcdconfig.ranges.EtcdKeyEvent;
import io.github.etcdconfig.ranges.EtcdKeyRange;

/**
 * The watch of one key range: a jetcd watch from the revision received so far + 1, whose
 * responses go to the applier thread.
 *
 * <ul>
 * <li>jetcd's callbacks only hand the response to the applier thread, so jetcd is never
 * blocked.</li>
 * <li>An event at or below the revision already received is dropped, so a value never
 * goes back, even when jetcd delivers events again on resume.</li>
 * <li>etcd's periodic progress notifications move the resume revision, but only once a
 * later notification confirms one: etcd before 3.4.25 and 3.5.8 may send a notification
 * ahead of events it has not sent yet (etcd #15220), and trusting it at once would skip
 * them. The session never requests one, for the same reason.</li>
 * <li>Responses of a jetcd watch that was closed are told apart by a generation number
 * and ignored.</li>
 * </ul>
 *
 * <p>
 * Confined to the applier thread, but for jetcd's listener.
 */
final class EtcdWatchSession {

	/**
	 * Where the session stands.
	 */
	enum Phase {

		/**
		 * Not watching, and not trying to: the watcher stopped it or reads the ranges
		 * again.
		 */
		CLOSED,

		/**
		 * The watch was asked for and etcd has not confirmed it yet; it may wait for the
		 * connection.
		 */
		OPENING,

		/** etcd confirmed the watch. */
		WATCHING,

		/** The watch failed or ended; it waits to be opened again. */
		BROKEN

	}

	private final EtcdKeyRange range;

	private final Callbacks callbacks;

	private long revision;

	private long progress;

	private int generation;

	private Watch.Watcher watcher;

	private Phase phase = Phase.CLOSED;

	EtcdWatchSession(EtcdKeyRange range, long revision, Callbacks callbacks) {
		this.range = range;
		this.revision = revision;
		this.callbacks = callbacks;
	}

	EtcdKeyRange range() {
		return this.range;
	}

	/**
	 * The highest revision received; the watch resumes after it.
	 * @return the revision
	 */
	long revision() {
		return this.revision;
	}

	Phase phase() {
		return this.phase;
	}

	/**
	 * Watch from the received revision + 1.
	 * @param watch jetcd's watch service
	 * @param applier runs the callbacks on the applier thread
	 * @param arrivals told of each response with events, on jetcd's thread
	 */
	void open(Watch watch, Executor applier, Runnable arrivals) {
		close();
		int generation = this.generation;
		WatchOption option = WatchOption.builder()
			.withRange(this.range.endKey())
			.withRevision(this.revision + 1)
			.withProgressNotify(true)
			.withRequireLeader(true)
			.withCreateNotify(true)
			.build();
		this.phase = Phase.OPENING;
		try {
			this.watcher = watch.watch(this.range.startKey(), option, new Listener(generation, applier, arrivals));
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	/**
	 * Read again from a full read's revision, closed until opened.
	 * @param revision the revision of the read
	 */
	void restartAt(long revision) {
		close();
		this.revision = revision;
		this.progress = 0;
	}

	void close() {
		this.generation++;
		this.phase = Phase.CLOSED;
		Watch.Watcher watcher = this.watcher;
		this.watcher = null;
		if (watcher != null) {
			watcher.close();
		}
	}

	private void onResponse(int generation, WatchResponse response) {
		if (generation != this.generation) {
			return;
		}
		if (this.phase == Phase.OPENING) {
			this.phase = Phase.WATCHING;
			this.callbacks.watching(this);
		}
		if (response.isCreatedNotify()) {
			return;
		}
		long revision = response.getHeader().getRevision();
		List<WatchEvent> events = response.getEvents();
		if (events.isEmpty()) {
			// A progress notification. Its revision is trusted once a later one confirms
			// it: by then every event
			// etcd had queued before the first has arrived (see the class comment).
			if (this.progress > this.revision && revision >= this.progress) {
				this.revision = this.progress;
			}
			this.progress = revision;
			return;
		}
		List<EtcdKeyEvent> received = new ArrayList<>(events.size());
		long floor = this.revision;
		for (WatchEvent event : events) {
			KeyValue kv = event.getKeyValue();
			long modRevision = kv.getModRevision();
			if (modRevision <= floor) {
				continue;
			}
			received.add((event.getEventType() == WatchEvent.EventType.DELETE)
					? EtcdKeyEvent.delete(kv.getKey().getBytes(), modRevision)
					: EtcdKeyEvent.put(kv.getKey().getBytes(), kv.getValue().getBytes(), modRevision));
			this.revision = Math.max(this.revision, modRevision);
		}
		if (!received.isEmpty()) {
			this.callbacks.events(received, this.revision);
		}
	}

	private void onError(int generation, Throwable error) {
		if (generation != this.generation) {
			return;
		}
		if (error instanceof CompactedException compacted) {
			close();
			this.callbacks.compacted(this, compacted.getCompactedRevision());
		}
		else {
			failed(error);
		}
	}

	private void onCompleted(int generation) {
		if (generation == this.generation) {
			// jetcd ends a watch for good on errors it does not retry, or when the member
			// lost its leader.
			failed(new IllegalStateException("etcd ended the watch of " + this.range));
		}
	}

	private void failed(Throwable error) {
		close();
		this.phase = Phase.BROKEN;
		this.callbacks.broken(this, error);
	}

	@Override
	public String toString() {
		return this.range.toString();
	}

	/**
	 * What the watcher hears from a session, on the applier thread.
	 */
	interface Callbacks {

		/**
		 * etcd confirmed the watch.
		 * @param session the session
		 */
		void watching(EtcdWatchSession session);

		/**
		 * New events, in revision order.
		 * @param events the events
		 * @param revision the highest revision among them
		 */
		void events(List<EtcdKeyEvent> events, long revision);

		/**
		 * The watch failed or ended and must be opened again.
		 * @param session the session
		 * @param error why
		 */
		void broken(EtcdWatchSession session, Throwable error);

		/**
		 * etcd no longer has the history the watch needs: the ranges must be read again.
		 * @param session the session
		 * @param compactedRevision the revision etcd compacted up to
		 */
		void compacted(EtcdWatchSession session, long compactedRevision);

	}

	/**
	 * jetcd's callbacks: each only hands the response to the applier thread.
	 */
	private final class Listener implements Watch.Listener {

		private final int generation;

		private final Executor applier;

		private final Runnable arrivals;

		Listener(int generation, Executor applier, Runnable arrivals) {
			this.generation = generation;
			this.applier = applier;
			this.arrivals = arrivals;
		}

		@Override
		public void onNext(WatchResponse response) {
			if (!response.getEvents().isEmpty()) {
				this.arrivals.run();
			}
			this.applier.execute(() -> onResponse(this.generation, response));
		}

		@Override
		public void onError(Throwable throwable) {
			this.applier.execute(() -> EtcdWatchSession.this.onError(this.generation, throwable));
		}

		@Override
		public void onCompleted() {
			this.applier.execute(() -> EtcdWatchSession.this.onCompleted(this.generation));
		}

	}

}
