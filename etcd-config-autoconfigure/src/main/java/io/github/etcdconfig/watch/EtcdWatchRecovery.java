package io.github.etcdconfig.watch;

import java.time.Duration;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

import io.github.etcdconfig.client.EtcdBackOff;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * What the watcher does while etcd does not answer: the recovery policy.
 *
 * <ul>
 * <li>It probes: at each step it makes the client's connection try again now (gRPC's own
 * reconnect backoff grows to two minutes) and lets the watcher retry what failed. Steps
 * start at {@code firstDelay}, double, and stop growing at {@code maxDelay}, so the time
 * to be current after etcd is back does not grow with the length of the outage.</li>
 * <li>Each step is jittered between half and all of its delay, so that many instances
 * that lost etcd together do not all come back in the same millisecond: the steps are an
 * {@link EtcdBackOff}.</li>
 * <li>One warning per outage; the retries that follow are routine and logged at debug
 * level. Recovery is logged once, with how long it took.</li>
 * </ul>
 *
 * <p>
 * Confined to the watcher's applier thread.
 */
final class EtcdWatchRecovery {

	private static final Log logger = LogFactory.getLog(EtcdWatchRecovery.class);

	private final EtcdBackOff backOff;

	private final LongSupplier clock;

	private final EtcdWatchScheduler scheduler;

	private final Runnable step;

	private final String target;

	private boolean active;

	private boolean stepScheduled;

	private long since;

	/**
	 * Create a recovery policy.
	 * @param firstDelay the delay before the first step
	 * @param maxDelay the longest delay between two steps
	 * @param random uniform numbers in [0, 1), for jitter
	 * @param clock nanoseconds, as {@link System#nanoTime()}
	 * @param scheduler runs a step on the applier thread
	 * @param step what each step does: reconnect and retry what failed
	 * @param target what is watched, for the log
	 */
	EtcdWatchRecovery(Duration firstDelay, Duration maxDelay, DoubleSupplier random, LongSupplier clock,
			EtcdWatchScheduler scheduler, Runnable step, String target) {
		this.backOff = EtcdBackOff.start(firstDelay, maxDelay, random);
		this.clock = clock;
		this.scheduler = scheduler;
		this.step = step;
		this.target = target;
	}

	/**
	 * Something failed: recover, unless already recovering.
	 * @param what what failed and why, for the log
	 */
	void failed(String what) {
		if (!this.active) {
			this.active = true;
			this.since = this.clock.getAsLong();
			this.backOff.reset();
			logger.warn(what + "; serving the last applied values of " + this.target + " and trying again every "
					+ this.backOff.getLongest().toMillis() + " ms at most");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(what + " (still recovering " + this.target + ")");
		}
		scheduleStep();
	}

	/**
	 * Everything works again.
	 */
	void recovered() {
		if (this.active) {
			this.active = false;
			logger.info(this.target + " is watched again, after "
					+ Duration.ofNanos(this.clock.getAsLong() - this.since).toMillis() + " ms");
		}
	}

	boolean isActive() {
		return this.active;
	}

	private void scheduleStep() {
		if (this.stepScheduled) {
			return;
		}
		this.stepScheduled = true;
		this.scheduler.schedule(() -> {
			this.stepScheduled = false;
			if (this.active) {
				this.step.run();
				if (this.active) {
					scheduleStep();
				}
			}
		}, nextDelay());
	}

	long nextDelay() {
		return this.backOff.nextNanos();
	}

}
