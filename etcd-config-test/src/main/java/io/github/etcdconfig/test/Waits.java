package io.github.etcdconfig.test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Deadline-bounded polling and future waiting: nothing in this library waits without a
 * timeout.
 */
final class Waits {

	static final Duration POLL_INTERVAL = Duration.ofMillis(25);

	private Waits() {
	}

	/**
	 * Polls {@code condition} every 25 ms until it is true; throws with {@code failure}'s
	 * message at the deadline.
	 */
	static void until(Duration timeout, BooleanSupplier condition, Supplier<String> failure) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException(failure.get());
			}
			try {
				Thread.sleep(POLL_INTERVAL.toMillis());
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting", e);
			}
		}
	}

	/**
	 * Waits for a jetcd future; a call to an unreachable member would otherwise hang
	 * forever.
	 */
	static <T> T get(CompletableFuture<T> future, Duration timeout, String what) {
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException e) {
			future.cancel(true);
			throw new IllegalStateException(what + " did not complete within " + timeout, e);
		}
		catch (ExecutionException e) {
			throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for " + what, e);
		}
	}

}
