package io.github.etcdconfig.watch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.github.etcdconfig.client.EtcdConnectivity;
import io.github.etcdconfig.client.EtcdMemberChoice;
import io.github.etcdconfig.client.EtcdThreads;
import io.github.etcdconfig.ranges.EtcdKeyEvent;
import io.github.etcdconfig.ranges.EtcdKeyRange;
import io.github.etcdconfig.ranges.EtcdRevisionRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Follows the keys in some key ranges: watches each from the revision already read + 1
 * and hands the events to a {@link Target}. The configuration watcher and service
 * discovery both build on it.
 *
 * <p>
 * It puts together one class per role, all confined to one applier thread, which is the
 * only thread that calls the target:
 * <ul>
 * <li>{@link EtcdWatchSession}: the watch of one range; order, resume and progress
 * notifications;</li>
 * <li>{@link EtcdWatchStream}: the one gRPC watch stream that the sessions of every
 * watcher on the client share (unless {@code shared-stream} is off);</li>
 * <li>{@link EtcdChangeCoalescer}: when changes are applied (at once, unless the
 * application is flooded);</li>
 * <li>{@link EtcdResync}: reading the ranges again after a gap the watches cannot fill
 * (compaction, a silent watch, no read at start-up), deletes included;</li>
 * <li>{@link EtcdLivenessCheck}: the periodic check that etcd answers and that no watch
 * went silent;</li>
 * <li>{@link EtcdWatchRecovery}: what happens while etcd does not answer, and how soon it
 * is noticed again;</li>
 * <li>{@link EtcdWatchStatus}: what all of it shows to health, the endpoint and
 * metrics.</li>
 * </ul>
 *
 * <p>
 * A broken watch is created again from its own received revision + 1 (jetcd's resume may
 * restart past events it has not delivered yet, so the watcher does not rely on it). A
 * failed check marks etcd unreachable, and the first answer after that resyncs.
 */
public class EtcdPrefixWatcher {

	private static final Log logger = LogFactory.getLog(EtcdPrefixWatcher.class);

	private final Target target;

	private final Settings settings;

	private final EtcdWatchStatus status;

	private final EtcdConnectivity connectivity;

	private final Watch watch;

	private final EtcdChangeCoalescer coalescer;

	private final EtcdWatchRecovery recovery;

	private final EtcdLivenessCheck liveness;

	private final EtcdResync resync;

	private final Events events = new Events();

	private final List<EtcdWatchSession> sessions = new ArrayList<>();

	private volatile ScheduledExecutorService applier;

	private volatile boolean running;

	private boolean unreachable;

	/**
	 * Create a watcher.
	 * @param client the client to watch with
	 * @param target receives the events
	 * @param settings timing settings
	 */
	public EtcdPrefixWatcher(Client client, Target target, Settings settings) {
		this.target = target;
		this.settings = settings;
		this.status = new EtcdWatchStatus(settings.requestTimeout());
		this.connectivity = new EtcdConnectivity(client);
		this.watch = settings.sharedStream() ? EtcdWatchStream.of(client) : client.getWatchClient();
		this.coalescer = new EtcdChangeCoalescer(settings.coalesceWindow(), settings.floodThreshold(),
				this.status::getResponses, this::schedule, System::nanoTime, this::apply);
		this.recovery = new EtcdWatchRecovery(settings.retryDelay(), settings.maxRetryDelay(),
				() -> ThreadLocalRandom.current().nextDouble(), System::nanoTime, this::schedule, this::recover,
				target.toString());
		EtcdMemberChoice member = EtcdMemberChoice.of(client);
		this.liveness = new EtcdLivenessCheck(EtcdRevisionRequest.reads(client, settings.requestTimeout()),
				EtcdRevisionRequest.applied(client, settings.requestTimeout()), settings.requestTimeout(),
				this::execute, this::schedule, this.status::getResponses, EtcdClientAnswers.of(client),
				settings.checkInterval(), member);
		this.resync = new EtcdResync(client.getKVClient(), settings.requestTimeout(), settings.pageSize(), member,
				target);
	}

	/**
	 * Start watching: from the loaded revision + 1, or with a full read when etcd was not
	 * read at start-up.
	 */
	public void start() {
		if (this.running) {
			return;
		}
		List<EtcdKeyRange> ranges = this.target.ranges();
		ScheduledThreadPoolExecutor applier = new ScheduledThreadPoolExecutor(1,
				EtcdThreads.daemon("etcd-watch " + ranges));
		// Stopping drops what is scheduled (the next check, a timeout, a recovery step)
		// rather than waiting for it.
		applier.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		// A cancelled timeout leaves the queue at once instead of waking the thread when
		// it was due.
		applier.setRemoveOnCancelPolicy(true);
		this.applier = applier;
		this.running = true;
		this.status.setState(EtcdWatchStatus.State.STARTING);
		execute(() -> {
			long revision = this.target.loadedRevision();
			for (EtcdKeyRange range : ranges) {
				this.sessions.add(new EtcdWatchSession(range, revision, this.events));
			}
			if (revision > 0) {
				this.sessions.forEach(this::open);
			}
			else {
				this.resync.request("etcd was not read at start-up");
				runResync();
			}
		});
		scheduleCheck();
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
		applier.execute(() -> {
			this.sessions.forEach(EtcdWatchSession::close);
			this.sessions.clear();
		});
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
		this.status.setState(EtcdWatchStatus.State.STOPPED);
	}

	public boolean isRunning() {
		return this.running;
	}

	/**
	 * What the watcher is doing and has done.
	 * @return the status
	 */
	public EtcdWatchStatus getStatus() {
		return this.status;
	}

	/**
	 * Read the ranges again and apply the difference, for example from an actuator
	 * operation. Returns at once; the resync runs on the applier thread.
	 */
	public void requestResync() {
		execute(() -> {
			this.resync.request("requested");
			runResync();
		});
	}

	// Runs on the applier thread from here on.

	private void open(EtcdWatchSession session) {
		session.open(this.watch, this::execute, this.status::responded);
	}

	private void apply(List<EtcdKeyEvent> events, long revision) {
		try {
			this.target.apply(events, revision);
		}
		catch (RuntimeException ex) {
			logger.error("Applying the etcd events up to revision " + revision + " to " + this.target + " failed", ex);
		}
	}

	private void runResync() {
		if (!this.running || !this.resync.isPending()) {
			return;
		}
		this.status.setState(EtcdWatchStatus.State.RESYNCING);
		try {
			this.resync.run(this.sessions, this.coalescer);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		catch (Exception ex) {
			this.status.failed(ex);
			this.unreachable = true;
			this.recovery.failed("Cannot read " + this.target + " (" + this.status.describe(ex) + ")");
			updateState();
			return;
		}
		this.status.resynced();
		this.sessions.forEach(this::open);
		updateState();
	}

	private void scheduleCheck() {
		long delay = EtcdLivenessCheck.nextDelay(this.settings.checkInterval(),
				ThreadLocalRandom.current().nextDouble());
		schedule(() -> {
			check();
			if (this.running) {
				scheduleCheck();
			}
		}, delay);
	}

	private void check() {
		// While recovering, each recovery step checks.
		if (this.running && !this.recovery.isActive()) {
			this.liveness.run(this.sessions, this.events);
		}
	}

	/**
	 * One recovery step: make the connection try again now and open the watches that
	 * broke. A watch that etcd confirms is the proof that etcd answers; jetcd logs
	 * nothing when one fails, where it warns at each failed read. Without a watch on its
	 * way (etcd hangs under standing watches, or the ranges wait to be read again), the
	 * check asks instead, at most one at a time.
	 */
	private void recover() {
		this.connectivity.connectNow();
		boolean opening = false;
		for (EtcdWatchSession session : this.sessions) {
			if (session.phase() == EtcdWatchSession.Phase.BROKEN) {
				this.status.reconnected();
				open(session);
			}
			opening |= session.phase() == EtcdWatchSession.Phase.OPENING;
		}
		if (this.unreachable && !opening) {
			this.liveness.run(this.sessions, this.events, true);
		}
		updateState();
	}

	// etcd answered after it had not: what was missed while it did not is read again.
	private void answeredAgain() {
		if (this.unreachable) {
			this.unreachable = false;
			this.resync.request("etcd answers again");
		}
	}

	private void updateState() {
		EtcdWatchStatus.State state;
		if (this.resync.isPending()) {
			state = EtcdWatchStatus.State.RESYNCING;
		}
		else if (this.unreachable) {
			state = EtcdWatchStatus.State.UNREACHABLE;
		}
		else if (this.sessions.stream().allMatch((session) -> session.phase() == EtcdWatchSession.Phase.WATCHING)) {
			state = EtcdWatchStatus.State.WATCHING;
			this.status.clearError();
			this.recovery.recovered();
		}
		else {
			state = (this.status.getState() == EtcdWatchStatus.State.STARTING) ? EtcdWatchStatus.State.STARTING
					: EtcdWatchStatus.State.RECONNECTING;
		}
		this.status.setState(state);
	}

	/**
	 * Run a task on the applier thread, after what is queued there: the one thread that
	 * changes the target's state. Does nothing once the watcher is stopping.
	 * @param task the task
	 */
	public void execute(Runnable task) {
		schedule(task, 0);
	}

	private Runnable schedule(Runnable task, long delayNanos) {
		try {
			if (delayNanos <= 0) {
				this.applier.execute(task);
				return () -> {
				};
			}
			ScheduledFuture<?> scheduled = this.applier.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
			return () -> scheduled.cancel(false);
		}
		catch (RejectedExecutionException ex) {
			// Stopping: nothing more to apply.
			return () -> {
			};
		}
	}

	/**
	 * What the sessions and the liveness check report, on the applier thread.
	 */
	private final class Events implements EtcdWatchSession.Callbacks, EtcdLivenessCheck.Result {

		@Override
		public void watching(EtcdWatchSession session) {
			answeredAgain();
			if (EtcdPrefixWatcher.this.resync.isPending()) {
				runResync();
			}
			else {
				updateState();
			}
		}

		@Override
		public void events(List<EtcdKeyEvent> events, long revision) {
			EtcdPrefixWatcher.this.coalescer.add(events, revision);
		}

		@Override
		public void broken(EtcdWatchSession session, Throwable error) {
			EtcdPrefixWatcher.this.status.failed(error);
			EtcdPrefixWatcher.this.recovery.failed("Watch of " + session + " on " + EtcdPrefixWatcher.this.target
					+ " broke (" + EtcdPrefixWatcher.this.status.describe(error) + "); watching again from revision "
					+ (session.revision() + 1));
			updateState();
		}

		@Override
		public void compacted(EtcdWatchSession session, long compactedRevision) {
			EtcdPrefixWatcher.this.resync.request("etcd compacted its history up to revision " + compactedRevision
					+ " while the watch of " + session + " was behind");
			runResync();
		}

		@Override
		public void answered(EtcdWatchSession session, long etcdRevision, long newest) {
			if (!EtcdPrefixWatcher.this.running) {
				return;
			}
			EtcdPrefixWatcher.this.status.checked(etcdRevision, Math.max(0, newest - session.revision()));
			answeredAgain();
			if (EtcdPrefixWatcher.this.resync.isPending()) {
				runResync();
				return;
			}
			if (newest > session.revision() && session.phase() == EtcdWatchSession.Phase.WATCHING) {
				// Not received yet: normal for a moment, while the event is on its way. A
				// watch that stays behind
				// has gone silent or skipped it.
				long timeout = EtcdPrefixWatcher.this.settings.requestTimeout().toMillis();
				schedule(() -> {
					if (session.phase() == EtcdWatchSession.Phase.WATCHING && session.revision() < newest) {
						EtcdPrefixWatcher.this.resync.request("the watch of " + session + " had not received revision "
								+ newest + " after " + timeout + " ms");
						runResync();
					}
				}, TimeUnit.MILLISECONDS.toNanos(timeout));
			}
			updateState();
		}

		@Override
		public void failed(EtcdWatchSession session, Throwable error) {
			if (!EtcdPrefixWatcher.this.running) {
				return;
			}
			EtcdPrefixWatcher.this.status.failed(error);
			EtcdPrefixWatcher.this.unreachable = true;
			EtcdPrefixWatcher.this.recovery.failed("etcd did not answer the check of " + session + " on "
					+ EtcdPrefixWatcher.this.target + " (" + EtcdPrefixWatcher.this.status.describe(error) + ")");
			updateState();
		}

	}

	/**
	 * What is watched, and what receives the events. Called on the watcher's applier
	 * thread only.
	 */
	public interface Target {

		/**
		 * The key ranges to watch; none overlaps another.
		 * @return the ranges
		 */
		List<EtcdKeyRange> ranges();

		/**
		 * The revision the target was read at before watching.
		 * @return the revision, or 0 when it has not been read: the watcher then reads it
		 * first
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
	 * @param coalesceWindow how often a flooded application is refreshed at most
	 * @param floodThreshold refreshes during which new changes arrived, within as many
	 * windows, after which changes are coalesced over the window
	 * @param checkInterval interval of the liveness check
	 * @param retryDelay first wait before what failed is tried again
	 * @param maxRetryDelay longest wait between two tries, so that etcd's return is
	 * noticed within it
	 * @param requestTimeout deadline of every etcd call
	 * @param pageSize keys per page of a full read
	 * @param sharedStream whether the watches share the client's one watch stream
	 * ({@link EtcdWatchStream})
	 */
	public record Settings(Duration coalesceWindow, int floodThreshold, Duration checkInterval, Duration retryDelay,
			Duration maxRetryDelay, Duration requestTimeout, int pageSize, boolean sharedStream) {

		/**
		 * Settings whose watches share the client's one watch stream.
		 * @param coalesceWindow how often a flooded application is refreshed at most
		 * @param floodThreshold refreshes during which new changes arrived, within as
		 * many windows, after which changes are coalesced over the window
		 * @param checkInterval interval of the liveness check
		 * @param retryDelay first wait before what failed is tried again
		 * @param maxRetryDelay longest wait between two tries
		 * @param requestTimeout deadline of every etcd call
		 * @param pageSize keys per page of a full read
		 */
		public Settings(Duration coalesceWindow, int floodThreshold, Duration checkInterval, Duration retryDelay,
				Duration maxRetryDelay, Duration requestTimeout, int pageSize) {
			this(coalesceWindow, floodThreshold, checkInterval, retryDelay, maxRetryDelay, requestTimeout, pageSize,
					true);
		}

		/**
		 * The settings of {@code etcd.config.watch}.
		 * @param watch the watch settings
		 * @param requestTimeout deadline of every etcd call
		 * @param pageSize keys per page of a full read
		 * @return the settings
		 */
		public static Settings of(EtcdWatchProperties watch, Duration requestTimeout, int pageSize) {
			return new Settings(watch.getCoalesceWindow(), watch.getFloodThreshold(), watch.getCheckInterval(),
					watch.getRetryDelay(), watch.getMaxRetryDelay(), requestTimeout, pageSize, watch.isSharedStream());
		}

	}

}
