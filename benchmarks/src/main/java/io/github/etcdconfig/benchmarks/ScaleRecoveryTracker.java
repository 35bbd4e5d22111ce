package io.github.etcdconfig.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Follows whether each instance watches, every {@value #POLL_MILLIS} ms, from the moment
 * it is created: which instances were disturbed (stopped watching, or broke and recovered
 * between two polls, which their counters tell), when the last of them watched again, and
 * the longest time one of them did not watch.
 */
final class ScaleRecoveryTracker implements AutoCloseable {

	private static final long POLL_MILLIS = 2;

	private final List<ScaleInstance> instances;

	private final long[] baseline;

	private final boolean[] disturbed;

	private final Thread poller;

	private volatile boolean running = true;

	// Written by the poller, read after it noticed nothing for a while.
	private volatile long lastWatchingAgain;

	private volatile long lastChange = System.nanoTime();

	private volatile int disturbedCount;

	private volatile int notWatching;

	private volatile long longestGap;

	ScaleRecoveryTracker(List<ScaleInstance> instances) {
		this.instances = instances;
		this.baseline = new long[instances.size()];
		this.disturbed = new boolean[instances.size()];
		for (int i = 0; i < this.baseline.length; i++) {
			this.baseline[i] = instances.get(i).disturbances();
		}
		this.poller = new Thread(this::poll, "scale-recovery-tracker");
		this.poller.setDaemon(true);
		this.poller.start();
	}

	private void poll() {
		long[] downSince = new long[this.baseline.length];
		while (this.running) {
			long now = System.nanoTime();
			int down = 0;
			for (int i = 0; i < downSince.length; i++) {
				ScaleInstance instance = this.instances.get(i);
				boolean watches = instance.isWatching();
				long disturbances = instance.disturbances();
				if (disturbances != this.baseline[i]) {
					this.baseline[i] = disturbances;
					disturbed(i);
					this.lastChange = now;
					if (watches && downSince[i] == 0) {
						// Broke and watched again between two polls.
						this.lastWatchingAgain = now;
						this.longestGap = Math.max(this.longestGap, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
					}
				}
				if (!watches) {
					disturbed(i);
					down++;
					if (downSince[i] == 0) {
						downSince[i] = now;
						this.lastChange = now;
					}
				}
				else if (downSince[i] != 0) {
					this.longestGap = Math.max(this.longestGap, now - downSince[i]);
					downSince[i] = 0;
					this.lastWatchingAgain = now;
					this.lastChange = now;
				}
			}
			this.notWatching = down;
			try {
				Thread.sleep(POLL_MILLIS);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	private void disturbed(int instance) {
		if (!this.disturbed[instance]) {
			this.disturbed[instance] = true;
			this.disturbedCount++;
		}
	}

	/**
	 * Wait until every instance watches and nothing changed for a while.
	 * @param quiet how long nothing may have changed
	 * @param timeout how long to wait at most
	 * @return {@code settled <disturbed> <last watching again, nanos, 0 if none> <not watching> <longest time an
	 * instance did not watch, nanos>}
	 */
	String settled(Duration quiet, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline
				&& (this.notWatching > 0 || System.nanoTime() - this.lastChange < quiet.toNanos())) {
			Thread.sleep(POLL_MILLIS);
		}
		return "settled " + this.disturbedCount + " " + this.lastWatchingAgain + " " + this.notWatching + " "
				+ this.longestGap;
	}

	@Override
	public void close() {
		this.running = false;
		this.poller.interrupt();
		try {
			this.poller.join(TimeUnit.SECONDS.toMillis(1));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
