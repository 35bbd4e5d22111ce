package io.github.etcdconfig.watch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.github.etcdconfig.client.EtcdErrors;

/**
 * What a watcher is doing and has done, for health, the endpoint and metrics. Written by
 * the watcher's applier thread only; read from any thread without locking.
 */
public final class EtcdWatchStatus {

	/**
	 * What the watcher is doing.
	 */
	public enum State {

		/** Not started, or stopped. */
		STOPPED,

		/** Started, the first watch is being created. */
		STARTING,

		/** Every key range is watched. */
		WATCHING,

		/** A watch broke and is being created again. */
		RECONNECTING,

		/** The key ranges are being read again after a gap. */
		RESYNCING,

		/** etcd did not answer the last request. */
		UNREACHABLE

	}

	private final Duration requestTimeout;

	private final AtomicLong reconnects = new AtomicLong();

	private final AtomicLong resyncs = new AtomicLong();

	private final AtomicLong responses = new AtomicLong();

	private volatile State state = State.STOPPED;

	private volatile Throwable lastError;

	private volatile Instant lastErrorTime;

	private volatile long etcdRevision;

	private volatile long lag;

	private volatile Instant notWatchingSince;

	private final List<Runnable> stateListeners = new CopyOnWriteArrayList<>();

	EtcdWatchStatus(Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
	}

	public State getState() {
		return this.state;
	}

	/**
	 * The last watch or read failure, cleared when the watch works again.
	 * @return the failure, or {@code null}
	 */
	public Throwable getLastError() {
		return this.lastError;
	}

	public Instant getLastErrorTime() {
		return this.lastErrorTime;
	}

	/**
	 * The last failure in words, as the logs say it, without stack trace or credentials.
	 * @return the description, or {@code null} without a failure
	 */
	public String describeLastError() {
		Throwable error = this.lastError;
		return (error != null) ? describe(error) : null;
	}

	/**
	 * etcd's revision at the last successful check.
	 * @return the revision, 0 before the first check
	 */
	public long getEtcdRevision() {
		return this.etcdRevision;
	}

	/**
	 * How many revisions the newest change in a watched range was ahead of what the watch
	 * had received, at the last check. Writes outside the ranges do not count, so it is
	 * above 0 only while the watch catches up or has fallen behind.
	 * @return the lag in revisions
	 */
	public long getLag() {
		return this.lag;
	}

	/**
	 * Since when the watcher has not been watching every range: it started, a watch
	 * broke, a resync began or etcd stopped answering. Tells a short reconnect from a
	 * long outage.
	 * @return the time, or {@code null} while {@link State#WATCHING} or
	 * {@link State#STOPPED}
	 */
	public Instant getNotWatchingSince() {
		return this.notWatchingSince;
	}

	public long getReconnects() {
		return this.reconnects.get();
	}

	public long getResyncs() {
		return this.resyncs.get();
	}

	/**
	 * The watch responses with events that etcd sent: what another application's writes
	 * would cost this one, if it watched them.
	 * @return the count
	 */
	public long getResponses() {
		return this.responses.get();
	}

	/**
	 * Be told when the state changes, instead of asking at intervals: an idle application
	 * then has no thread that wakes up to find nothing changed.
	 * @param listener called on the thread that changed the state (the watcher's applier
	 * thread, or the one that stops it); it must return at once
	 */
	public void addStateListener(Runnable listener) {
		this.stateListeners.add(listener);
	}

	void setState(State state) {
		State previous = this.state;
		// Written before the state, so a reader that sees a state other than WATCHING
		// also sees since when.
		if (state == State.WATCHING || state == State.STOPPED) {
			this.notWatchingSince = null;
		}
		else if (this.notWatchingSince == null) {
			this.notWatchingSince = Instant.now();
		}
		this.state = state;
		if (state != previous) {
			this.stateListeners.forEach(Runnable::run);
		}
	}

	void failed(Throwable error) {
		this.lastError = error;
		this.lastErrorTime = Instant.now();
	}

	void clearError() {
		this.lastError = null;
	}

	void checked(long etcdRevision, long lag) {
		this.etcdRevision = Math.max(this.etcdRevision, etcdRevision);
		this.lag = lag;
	}

	void reconnected() {
		this.reconnects.incrementAndGet();
	}

	void resynced() {
		this.resyncs.incrementAndGet();
	}

	void responded() {
		this.responses.incrementAndGet();
	}

	String describe(Throwable error) {
		return EtcdErrors.describe(error, this.requestTimeout);
	}

}
