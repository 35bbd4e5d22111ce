package io.github.etcdconfig.watch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import io.github.etcdconfig.ranges.EtcdKeyEvent;

/**
 * Decides when watched changes are applied: the coalescing policy.
 *
 * <ul>
 * <li>A change that finds the applier idle is applied at once, after a quiet period and
 * after a refresh alike.</li>
 * <li>Changes that arrive while a refresh runs join the next one, which starts as soon as
 * the refresh ends.</li>
 * <li>The application is flooded when, {@code floodThreshold} times within
 * {@code floodThreshold} windows, changes arrived during a refresh or several watch
 * responses had queued up for one: changes come whether or not the application has
 * finished with the last one. From then on, changes are applied together at most once per
 * {@code window}, so a burst costs a bounded number of refreshes, until a window passes
 * with one change or none.</li>
 * </ul>
 *
 * <p>
 * A writer that waits for each change to be seen before it makes the next one never
 * floods the application, so it never waits for a window, however fast it goes. A burst
 * does, even when most of its changes find the applier idle: refreshes in a row would not
 * do as the signal, since one without an arrival among busy ones would restart the count
 * (a 2,000-put burst then made 299 refreshes). Confined to the watcher's applier thread,
 * but for {@link Arrivals}.
 */
final class EtcdChangeCoalescer {

	private final long windowNanos;

	private final long floodSpanNanos;

	/**
	 * When the last refreshes during which changes arrived ended, a ring of
	 * floodThreshold.
	 */
	private final long[] busyEnds;

	private final Arrivals arrivals;

	private final EtcdWatchScheduler scheduler;

	private final LongSupplier clock;

	private final Applier applier;

	private final List<EtcdKeyEvent> pending = new ArrayList<>();

	private long pendingRevision;

	private boolean flushQueued;

	/** Watch responses in the pending batch. */
	private int responses;

	private boolean flooded;

	private int busyCount;

	private long lastApplyEnd;

	/**
	 * Create a coalescer.
	 * @param window how often a flooded application is refreshed at most
	 * @param floodThreshold refreshes that must see new changes arrive, within as many
	 * windows, before the application counts as flooded
	 * @param arrivals counts watch responses as jetcd delivers them
	 * @param scheduler runs a flush on the applier thread, after what is already queued
	 * there
	 * @param clock nanoseconds, as {@link System#nanoTime()}
	 * @param applier applies a batch
	 */
	EtcdChangeCoalescer(Duration window, int floodThreshold, Arrivals arrivals, EtcdWatchScheduler scheduler,
			LongSupplier clock, Applier applier) {
		this.windowNanos = window.toNanos();
		this.floodSpanNanos = window.toNanos() * floodThreshold;
		this.busyEnds = new long[floodThreshold];
		this.arrivals = arrivals;
		this.scheduler = scheduler;
		this.clock = clock;
		this.applier = applier;
	}

	/**
	 * Take the events of one watch response.
	 * @param events the events, in revision order
	 * @param revision the highest revision among them
	 */
	void add(List<EtcdKeyEvent> events, long revision) {
		this.pending.addAll(events);
		this.pendingRevision = Math.max(this.pendingRevision, revision);
		this.responses++;
		if (this.flushQueued) {
			return;
		}
		this.flushQueued = true;
		long wait = 0;
		if (this.flooded) {
			wait = this.lastApplyEnd + this.windowNanos - this.clock.getAsLong();
			if (wait <= 0) {
				// A whole window passed without a change: the flood is over.
				this.flooded = false;
				this.busyCount = 0;
			}
		}
		// Without a wait, queued behind the responses that already arrived, so they join
		// this refresh.
		this.scheduler.schedule(this::flush, Math.max(wait, 0));
	}

	/**
	 * Drop what has not been applied, before a full read replaces it.
	 * @param revision the revision of the read, which the next batch stands on
	 */
	void reset(long revision) {
		this.pending.clear();
		this.responses = 0;
		this.pendingRevision = Math.max(this.pendingRevision, revision);
	}

	/**
	 * Whether changes are being coalesced over the window.
	 * @return whether the application is flooded
	 */
	boolean isFlooded() {
		return this.flooded;
	}

	void flush() {
		this.flushQueued = false;
		if (this.pending.isEmpty()) {
			return;
		}
		List<EtcdKeyEvent> events = new ArrayList<>(this.pending);
		this.pending.clear();
		// One response in a whole window: a writer that waits for each change, which a
		// flood must not slow down.
		// Several: changes queued up while the applier was busy, even when none arrived
		// during a refresh itself.
		boolean trickle = this.responses == 1;
		boolean queued = this.responses > 1;
		this.responses = 0;
		long before = this.arrivals.count();
		this.applier.apply(events, this.pendingRevision);
		this.lastApplyEnd = this.clock.getAsLong();
		if (this.arrivals.count() == before && !queued) {
			if (trickle && this.flooded) {
				this.flooded = false;
				this.busyCount = 0;
			}
		}
		else {
			this.busyEnds[this.busyCount++ % this.busyEnds.length] = this.lastApplyEnd;
			long oldest = this.busyEnds[this.busyCount % this.busyEnds.length];
			if (this.busyCount >= this.busyEnds.length && this.lastApplyEnd - oldest <= this.floodSpanNanos) {
				this.flooded = true;
			}
		}
	}

	/**
	 * Counts watch responses with events; read on the applier thread, counted on jetcd's.
	 */
	@FunctionalInterface
	interface Arrivals {

		long count();

	}

	/**
	 * Applies a batch of events.
	 */
	@FunctionalInterface
	interface Applier {

		void apply(List<EtcdKeyEvent> events, long revision);

	}

}
