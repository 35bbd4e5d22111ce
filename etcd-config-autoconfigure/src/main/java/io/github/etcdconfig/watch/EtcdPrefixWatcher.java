package io.github.etcdconfig.watch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.github.etcdconfig.client.EtcdErrors;
import io.github.etcdconfig.config.EtcdConfigReader;
import io.github.etcdconfig.config.EtcdKeyEvent;
import io.github.etcdconfig.config.EtcdKeyRange;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Follows the keys under some prefixes: watches each from the revision already read + 1 and hands the events to a
 * {@link Target}. The configuration watcher and service discovery both build on it.
 *
 * <p>All state lives on one applier thread, and the target is only called there. jetcd calls the watch listener on
 * its event-loop threads; the listener only queues the event there and returns, so jetcd is never blocked.
 *
 * <p>What it guarantees:
 * <ul>
 * <li>Order: an event at or below the revision already received for its prefix is dropped, so a value never goes
 * back.</li>
 * <li>Coalescing: the events of one etcd response (one revision, a whole transaction) are applied together; events
 * that arrive within {@code coalesce-window} after a refresh wait and are applied together in the next one.</li>
 * <li>Resilience: a watch that fails or completes is created again from the last received revision + 1, with
 * backoff (jetcd's own resume may restart past events it has not delivered yet, so the watcher does not rely on
 * it). When etcd compacted the history in between, the prefixes are read again at one revision, the difference is
 * applied (deletes included) and the watch restarts after it.</li>
 * <li>Liveness: a periodic check asks etcd for the newest change under each prefix; a watch that has not received
 * it within the request timeout is resynced. A check that fails marks etcd unreachable, and the first check that
 * succeeds again resyncs.</li>
 * <li>etcd's periodic progress notifications keep the resume revision current, but only once a later notification
 * confirms one: etcd before 3.4.25 and 3.5.8 may send a notification ahead of events it has not sent yet (etcd
 * #15220), and trusting it at once would drop those events. The watcher never requests one, for the same
 * reason.</li>
 * </ul>
 */
public class EtcdPrefixWatcher {

	private static final Log logger = LogFactory.getLog(EtcdPrefixWatcher.class);

	/**
	 * What the watcher is doing.
	 */
	public enum State {

		/** Not started, or stopped. */
		STOPPED,

		/** Started, the first watch is being created. */
		STARTING,

		/** Every prefix is watched. */
		WATCHING,

		/** A watch broke and is being created again. */
		RECONNECTING,

		/** The prefixes are being read again after a gap. */
		RESYNCING,

		/** etcd did not answer the last check. */
		UNREACHABLE

	}

	private final Client client;

	private final Target target;

	private final Settings settings;

	private final Map<EtcdKeyRange, RangeWatch> roots = new LinkedHashMap<>();

	private final List<EtcdKeyEvent> pending = new ArrayList<>();

	private final AtomicLong reconnects = new AtomicLong();

	private final AtomicLong resyncs = new AtomicLong();

	private ScheduledExecutorService applier;

	private long pendingRevision;

	private boolean flushScheduled;

	private long lastFlushNanos;

	private boolean resyncScheduled;

	private BackOffExecution resyncBackOff;

	private boolean checkFailed;

	private volatile boolean running;

	private volatile State state = State.STOPPED;

	private volatile Throwable lastError;

	private volatile Instant lastErrorTime;

	private volatile long etcdRevision;

	private volatile long lag;

	private volatile Instant notWatchingSince;

	/**
	 * Create a watcher.
	 * @param client the client to watch with
	 * @param target receives the events
	 * @param settings timing settings
	 */
	public EtcdPrefixWatcher(Client client, Target target, Settings settings) {
		this.client = client;
		this.target = target;
		this.settings = settings;
	}

	/**
	 * Start watching: from the loaded revision + 1, or with a full read when etcd was not read at start-up.
	 */
	public void start() {
		if (this.running) {
			return;
		}
		this.applier = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "etcd-watch " + this.target.ranges());
			thread.setDaemon(true);
			return thread;
		});
		this.running = true;
		setState(State.STARTING);
		this.lastFlushNanos = System.nanoTime() - this.settings.coalesceWindow().toNanos();
		this.applier.execute(() -> {
			long revision = this.target.loadedRevision();
			for (EtcdKeyRange range : this.target.ranges()) {
				this.roots.put(range, new RangeWatch(range, revision));
			}
			if (revision > 0) {
				this.roots.values().forEach(this::watch);
			}
			else {
				resync("etcd was not read at start-up");
			}
		});
		long interval = this.settings.checkInterval().toMillis();
		this.applier.scheduleWithFixedDelay(this::check, interval, interval, TimeUnit.MILLISECONDS);
	}

	/**
	 * Stop watching and wait for the applier thread to finish what it is doing.
	 */
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		ScheduledExecutorService applier = this.applier;
		applier.execute(() -> this.roots.values().forEach(RangeWatch::close));
		applier.shutdown();
		try {
			if (!applier.awaitTermination(this.settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
				applier.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			applier.shutdownNow();
		}
		setState(State.STOPPED);
	}

	public boolean isRunning() {
		return this.running;
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
	 * How many revisions the newest change under a prefix was ahead of what the watch had received, at the last
	 * check. Writes outside the prefixes do not count, so it is above 0 only while the watch catches up or has
	 * fallen behind.
	 * @return the lag in revisions
	 */
	public long getLag() {
		return this.lag;
	}

	/**
	 * Since when the watcher has not been watching every prefix: it started, a watch broke, a resync began or a
	 * check failed. Tells a short reconnect from a long outage.
	 * @return the time, or {@code null} while {@link State#WATCHING} or {@link State#STOPPED}
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
	 * Read the prefixes again and apply the difference, for example from an actuator operation. Returns at once;
	 * the resync runs on the applier thread.
	 */
	public void requestResync() {
		submit(() -> resync("requested"));
	}

	// Runs on the applier thread from here on, but for the jetcd listener's submit calls.

	private void watch(RangeWatch root) {
		root.close();
		int generation = root.generation;
		WatchOption option = WatchOption.builder()
			.withRange(root.range.endKey())
			.withRevision(root.revision + 1)
			.withProgressNotify(true)
			.withRequireLeader(true)
			.withCreateNotify(true)
			.build();
		try {
			root.watcher = this.client
				.getWatchClient()
				.watch(root.range.startKey(), option, new Listener(root.range, generation));
		}
		catch (RuntimeException ex) {
			reconnect(root, ex);
		}
	}

	private void onResponse(EtcdKeyRange range, int generation, WatchResponse response) {
		RangeWatch root = current(range, generation);
		if (root == null) {
			return;
		}
		if (root.backOff != null) {
			root.backOff = null;
			logger.info("Watch of " + root.range + " on " + this.target + " works again from revision "
					+ (root.revision + 1));
		}
		if (this.state == State.STARTING || this.state == State.RECONNECTING) {
			setState(State.WATCHING);
			this.lastError = null;
		}
		long revision = response.getHeader().getRevision();
		if (response.isCreatedNotify()) {
			return;
		}
		List<WatchEvent> events = response.getEvents();
		if (events.isEmpty()) {
			// A progress notification. Its revision is trusted once a later one confirms it: by then every event
			// etcd had queued before the first has arrived (see the class comment).
			if (root.progress > root.revision && revision >= root.progress) {
				root.revision = root.progress;
			}
			root.progress = revision;
			return;
		}
		long floor = root.revision;
		for (WatchEvent event : events) {
			KeyValue kv = event.getKeyValue();
			long modRevision = kv.getModRevision();
			if (modRevision <= floor) {
				continue;
			}
			this.pending.add((event.getEventType() == WatchEvent.EventType.DELETE)
					? EtcdKeyEvent.delete(kv.getKey().getBytes(), modRevision)
					: EtcdKeyEvent.put(kv.getKey().getBytes(), kv.getValue().getBytes(), modRevision));
			root.revision = Math.max(root.revision, modRevision);
			this.pendingRevision = Math.max(this.pendingRevision, modRevision);
		}
		scheduleFlush();
	}

	private void onError(EtcdKeyRange range, int generation, Throwable error) {
		RangeWatch root = current(range, generation);
		if (root == null) {
			return;
		}
		if (error instanceof CompactedException compacted) {
			resync("etcd compacted its history up to revision " + compacted.getCompactedRevision()
					+ " while the watch of " + range + " was behind");
		}
		else {
			reconnect(root, error);
		}
	}

	private void onCompleted(EtcdKeyRange range, int generation) {
		RangeWatch root = current(range, generation);
		if (root != null) {
			// jetcd ends a watch for good on errors it does not retry, or when the member lost its leader.
			reconnect(root, new IllegalStateException("etcd ended the watch of " + range));
		}
	}

	private RangeWatch current(EtcdKeyRange range, int generation) {
		RangeWatch root = this.roots.get(range);
		return (this.running && root != null && root.generation == generation) ? root : null;
	}

	private void reconnect(RangeWatch root, Throwable error) {
		recordError(error);
		root.close();
		if (root.retryScheduled) {
			return;
		}
		this.reconnects.incrementAndGet();
		if (this.state != State.RESYNCING) {
			setState(State.RECONNECTING);
		}
		boolean first = root.backOff == null;
		if (first) {
			root.backOff = backOff().start();
		}
		long delay = root.backOff.nextBackOff();
		logRetry(first, "Watch of " + root.range + " on " + this.target + " broke (" + describe(error)
				+ "); watching again from revision " + (root.revision + 1) + " in " + delay + " ms");
		root.retryScheduled = true;
		schedule(() -> {
			root.retryScheduled = false;
			watch(root);
		}, delay);
	}

	private void scheduleFlush() {
		if (this.flushScheduled) {
			return;
		}
		this.flushScheduled = true;
		long wait = this.settings.coalesceWindow().toNanos() - (System.nanoTime() - this.lastFlushNanos);
		if (wait <= 0) {
			// Queued behind events that already arrived, so they join this refresh.
			submit(this::flush);
		}
		else {
			this.applier.schedule(this::flush, wait, TimeUnit.NANOSECONDS);
		}
	}

	private void flush() {
		this.flushScheduled = false;
		if (this.pending.isEmpty()) {
			return;
		}
		List<EtcdKeyEvent> events = new ArrayList<>(this.pending);
		this.pending.clear();
		this.lastFlushNanos = System.nanoTime();
		apply(events, this.pendingRevision);
	}

	private void apply(List<EtcdKeyEvent> events, long revision) {
		try {
			this.target.apply(events, revision);
		}
		catch (RuntimeException ex) {
			logger.error("Applying the etcd events up to revision " + revision + " to " + this.target + " failed", ex);
		}
	}

	private void resync(String reason) {
		if (!this.running) {
			return;
		}
		this.resyncScheduled = false;
		setState(State.RESYNCING);
		this.roots.values().forEach(RangeWatch::close);
		this.pending.clear();
		EtcdConfigReader.Result read;
		try {
			read = new EtcdConfigReader(this.client.getKVClient(), this.settings.requestTimeout(),
					this.settings.pageSize())
				.read(List.copyOf(this.roots.keySet()));
		}
		catch (Exception ex) {
			recordError(ex);
			boolean first = this.resyncBackOff == null;
			if (first) {
				this.resyncBackOff = backOff().start();
			}
			long delay = this.resyncBackOff.nextBackOff();
			logRetry(first, "Cannot read " + this.target + " (" + describe(ex) + "); trying again in " + delay + " ms");
			this.resyncScheduled = true;
			schedule(() -> resync(reason), delay);
			return;
		}
		this.resyncBackOff = null;
		this.resyncs.incrementAndGet();
		logger.info("Resynced " + this.target + " at revision " + read.revision() + ": " + reason);
		try {
			this.target.resync(read.keys(), read.revision());
		}
		catch (RuntimeException ex) {
			logger.error("Applying the state read at revision " + read.revision() + " to " + this.target + " failed", ex);
		}
		this.pendingRevision = Math.max(this.pendingRevision, read.revision());
		setState(State.STARTING);
		for (RangeWatch root : this.roots.values()) {
			root.revision = read.revision();
			root.backOff = null;
			watch(root);
		}
	}

	private void check() {
		for (RangeWatch root : this.roots.values()) {
			// The newest change in the range after what the watch received, if any.
			GetOption newer = GetOption.builder()
				.withRange(root.range.endKey())
				.withKeysOnly(true)
				.withLimit(1)
				.withSortField(GetOption.SortTarget.MOD)
				.withSortOrder(GetOption.SortOrder.DESCEND)
				.withMinModRevision(root.revision + 1)
				.build();
			try {
				this.client.getKVClient()
					.get(root.range.startKey(), newer)
					.orTimeout(this.settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
					.whenCompleteAsync((response, error) -> checked(root, response, error), this.applier);
			}
			catch (RuntimeException ex) {
				// Never let a failure end the periodic check.
				checked(root, null, ex);
			}
		}
	}

	private void checked(RangeWatch root, GetResponse response, Throwable error) {
		if (!this.running) {
			return;
		}
		if (error != null) {
			recordError(error);
			if (!this.checkFailed) {
				logger.warn("etcd did not answer the check of " + root.range + " on " + this.target + " ("
						+ describe(error) + "); serving the last applied values until it does");
			}
			this.checkFailed = true;
			if (this.state == State.WATCHING) {
				setState(State.UNREACHABLE);
			}
			return;
		}
		long revision = response.getHeader().getRevision();
		this.etcdRevision = Math.max(this.etcdRevision, revision);
		if (this.checkFailed || this.roots.values().stream().anyMatch((watch) -> watch.revision == 0)) {
			this.checkFailed = false;
			if (!this.resyncScheduled) {
				resync("etcd answers again");
			}
			return;
		}
		if (this.state == State.UNREACHABLE) {
			setState(State.WATCHING);
			this.lastError = null;
		}
		long newest = response.getKvs().isEmpty() ? 0 : response.getKvs().get(0).getModRevision();
		this.lag = Math.max(0, newest - root.revision);
		if (newest <= root.revision || root.watcher == null) {
			return;
		}
		// Not received yet: normal for a moment, while the event is on its way. A watch that stays behind has gone
		// silent or skipped it. No progress request here: etcd 3.4 answers one at once with its current revision,
		// even while the watch is still sending older events (measured on 3.4.23).
		int generation = root.generation;
		schedule(() -> {
			if (this.running && root.generation == generation && root.revision < newest && !this.resyncScheduled) {
				resync("the watch of " + root.range + " had not received revision " + newest + " after "
						+ this.settings.requestTimeout().toMillis() + " ms");
			}
		}, this.settings.requestTimeout().toMillis());
	}

	private void setState(State state) {
		// Written before the state, so a reader that sees a state other than WATCHING also sees since when.
		if (state == State.WATCHING || state == State.STOPPED) {
			this.notWatchingSince = null;
		}
		else if (this.notWatchingSince == null) {
			this.notWatchingSince = Instant.now();
		}
		this.state = state;
	}

	// One warning per outage; the retries that follow it are routine.
	private static void logRetry(boolean first, String message) {
		if (first) {
			logger.warn(message);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
	}

	private void recordError(Throwable error) {
		this.lastError = error;
		this.lastErrorTime = Instant.now();
	}

	private ExponentialBackOff backOff() {
		ExponentialBackOff backOff = new ExponentialBackOff(this.settings.retryDelay().toMillis(), 2.0);
		backOff.setMaxInterval(this.settings.maxRetryDelay().toMillis());
		return backOff;
	}

	private void submit(Runnable task) {
		try {
			this.applier.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// Stopping: nothing more to apply.
		}
	}

	private void schedule(Runnable task, long delayMillis) {
		try {
			this.applier.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Stopping.
		}
	}

	private String describe(Throwable error) {
		return EtcdErrors.describe(error, this.settings.requestTimeout());
	}

	/**
	 * What is watched, and what receives the events. Called on the watcher's applier thread only.
	 */
	public interface Target {

		/**
		 * The key ranges to watch; none overlaps another.
		 * @return the ranges
		 */
		List<EtcdKeyRange> ranges();

		/**
		 * The revision the target was read at before watching.
		 * @return the revision, or 0 when it has not been read: the watcher then reads it first
		 */
		long loadedRevision();

		/**
		 * Apply watched events.
		 * @param events puts and deletes, in revision order
		 * @param revision the highest revision among them
		 */
		void apply(List<EtcdKeyEvent> events, long revision);

		/**
		 * Replace the state with a full read, after a gap in the watch.
		 * @param keys every key in the ranges
		 * @param revision the revision of the read
		 */
		void resync(List<EtcdKeyEvent> keys, long revision);

	}

	/**
	 * How the watcher paces itself.
	 *
	 * @param coalesceWindow events that arrive within this window after an apply wait for the next one
	 * @param checkInterval interval of the revision check
	 * @param retryDelay first wait before a broken watch or a failed read is tried again
	 * @param maxRetryDelay longest wait between two tries
	 * @param requestTimeout deadline of every etcd call
	 * @param pageSize keys per page of a full read
	 */
	public record Settings(Duration coalesceWindow, Duration checkInterval, Duration retryDelay,
			Duration maxRetryDelay, Duration requestTimeout, int pageSize) {
	}

	/**
	 * The watch of one key range. Only touched on the applier thread.
	 */
	private static final class RangeWatch {

		private final EtcdKeyRange range;

		/** The highest revision received for this range; the watch resumes after it. */
		private long revision;

		/** The revision of the last progress notification, trusted once a later one confirms it. */
		private long progress;

		/** Tells the events of the current jetcd watcher from those of closed ones. */
		private int generation;

		private Watch.Watcher watcher;

		private BackOffExecution backOff;

		private boolean retryScheduled;

		RangeWatch(EtcdKeyRange range, long revision) {
			this.range = range;
			this.revision = revision;
		}

		void close() {
			this.generation++;
			Watch.Watcher watcher = this.watcher;
			this.watcher = null;
			if (watcher != null) {
				watcher.close();
			}
		}

	}

	/**
	 * jetcd's callbacks: each only queues the event for the applier thread.
	 */
	private final class Listener implements Watch.Listener {

		private final EtcdKeyRange range;

		private final int generation;

		Listener(EtcdKeyRange range, int generation) {
			this.range = range;
			this.generation = generation;
		}

		@Override
		public void onNext(WatchResponse response) {
			submit(() -> onResponse(this.range, this.generation, response));
		}

		@Override
		public void onError(Throwable throwable) {
			submit(() -> EtcdPrefixWatcher.this.onError(this.range, this.generation, throwable));
		}

		@Override
		public void onCompleted() {
			submit(() -> EtcdPrefixWatcher.this.onCompleted(this.range, this.generation));
		}

	}

}
