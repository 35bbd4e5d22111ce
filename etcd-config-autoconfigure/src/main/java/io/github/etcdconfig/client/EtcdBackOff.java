package io.github.etcdconfig.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

import org.springframework.util.backoff.BackOffExecution;

/**
 * The waits between attempts to reach etcd again: doubling from a first wait up to a
 * longest one, and never giving up, since etcd comes back. Each wait is jittered between
 * half and all of its delay, so that many instances that lost etcd together do not all
 * come back in the same millisecond. Watches and registrations all retry this way.
 *
 * <p>
 * One series of waits; not thread-safe: confined to the thread that retries.
 */
public final class EtcdBackOff implements BackOffExecution {

	private final long firstNanos;

	private final long longestNanos;

	private final DoubleSupplier random;

	private long delayNanos;

	private EtcdBackOff(Duration first, Duration longest, DoubleSupplier random) {
		this.firstNanos = first.toNanos();
		this.longestNanos = Math.max(this.firstNanos, longest.toNanos());
		this.random = random;
		this.delayNanos = this.firstNanos;
	}

	/**
	 * Start a series of waits.
	 * @param first the first delay
	 * @param longest the longest delay; the delays stay at it once they reach it
	 * @return the waits
	 */
	public static EtcdBackOff start(Duration first, Duration longest) {
		return start(first, longest, () -> ThreadLocalRandom.current().nextDouble());
	}

	/**
	 * Start a series of waits with a source of randomness of its own, for tests.
	 * @param first the first delay
	 * @param longest the longest delay; the delays stay at it once they reach it
	 * @param random uniform numbers in [0, 1), for jitter
	 * @return the waits
	 */
	public static EtcdBackOff start(Duration first, Duration longest, DoubleSupplier random) {
		return new EtcdBackOff(first, longest, random);
	}

	/**
	 * The next wait, in nanoseconds: between half and all of the current delay, which
	 * then doubles, up to the longest.
	 * @return the wait
	 */
	public long nextNanos() {
		long delay = this.delayNanos;
		this.delayNanos = Math.min(this.longestNanos, delay * 2);
		return delay / 2 + (long) (this.random.getAsDouble() * (delay / 2));
	}

	/**
	 * The next wait, in milliseconds.
	 * @return the wait
	 */
	@Override
	public long nextBackOff() {
		return TimeUnit.NANOSECONDS.toMillis(nextNanos());
	}

	/**
	 * Start again from the first delay.
	 */
	public void reset() {
		this.delayNanos = this.firstNanos;
	}

	/**
	 * The longest delay.
	 * @return the delay
	 */
	public Duration getLongest() {
		return Duration.ofNanos(this.longestNanos);
	}

}
