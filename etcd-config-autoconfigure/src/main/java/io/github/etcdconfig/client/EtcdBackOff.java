package io.github.etcdconfig.client;

import java.time.Duration;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The waits between attempts to reach etcd again: doubling from a first wait up to a
 * longest one, and never giving up, since etcd comes back. Watches, reads and
 * registrations all retry this way.
 */
public final class EtcdBackOff {

	private EtcdBackOff() {
	}

	/**
	 * Start a series of waits.
	 * @param first the first wait
	 * @param longest the longest wait; the waits stay at it once they reach it
	 * @return the waits, one per {@link BackOffExecution#nextBackOff()}, in milliseconds
	 */
	public static BackOffExecution start(Duration first, Duration longest) {
		ExponentialBackOff backOff = new ExponentialBackOff(first.toMillis(), 2.0);
		backOff.setMaxInterval(Math.max(first.toMillis(), longest.toMillis()));
		return backOff.start();
	}

}
