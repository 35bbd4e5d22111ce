package io.github.etcdconfig.ranges;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.github.etcdconfig.client.EtcdErrors;

/**
 * Waits for jetcd calls with a deadline: jetcd itself would wait forever for a server
 * that does not answer (jetcd #1509). Every wait for an etcd call, in the starter and in
 * the tools, goes through {@link #get}: on a deadline it cancels the call, so that no
 * request is left in flight.
 */
public final class EtcdCalls {

	// A deadline is at most 2^2 = 4 times the first.
	private static final int MAX_DOUBLINGS = 2;

	private EtcdCalls() {
	}

	/**
	 * Wait for a call.
	 * @param <T> the result type
	 * @param call the call in flight
	 * @param timeout how long to wait
	 * @param what the call, for the message of a failure
	 * @return the result
	 * @throws EtcdException when the call failed or did not answer in time
	 * ({@link ErrorCode#DEADLINE_EXCEEDED})
	 * @throws InterruptedException when the waiting thread was interrupted
	 */
	public static <T> T await(CompletableFuture<T> call, Duration timeout, String what) throws InterruptedException {
		try {
			return get(call, timeout);
		}
		catch (TimeoutException ex) {
			throw EtcdExceptionFactory.newEtcdException(ErrorCode.DEADLINE_EXCEEDED,
					what + ": etcd did not answer within " + timeout.toMillis() + " ms", ex);
		}
		catch (ExecutionException ex) {
			throw failure(ex.getCause(), what);
		}
	}

	/**
	 * The deadline of a call asked for again after calls that did not answer: twice as
	 * long for each of them, up to 4 times the first, so that a busy etcd or client gets
	 * the time it needs while one that answers nothing is not waited for without end. The
	 * one rule of the start-up reads' pages and of the snapshot file's catch-up.
	 * @param timeout the deadline of the first call
	 * @param failures the calls before it that did not answer
	 * @return the deadline
	 */
	public static Duration patient(Duration timeout, long failures) {
		return timeout.multipliedBy(1L << Math.min(Math.max(failures, 0), MAX_DOUBLINGS));
	}

	/**
	 * Wait for a call, as {@link CompletableFuture#get(long, TimeUnit)} does, and cancel
	 * it when its deadline passes.
	 * @param <T> the result type
	 * @param call the call in flight
	 * @param timeout how long to wait
	 * @return the result
	 * @throws TimeoutException when the call did not answer in time; it is cancelled
	 * @throws ExecutionException when the call failed
	 * @throws InterruptedException when the waiting thread was interrupted
	 */
	public static <T> T get(CompletableFuture<T> call, Duration timeout)
			throws TimeoutException, ExecutionException, InterruptedException {
		try {
			return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			call.cancel(false);
			throw ex;
		}
	}

	/**
	 * The failure of a call, as an {@link EtcdException} whose message names the call.
	 * @param error what the call's future completed with
	 * @param what the call
	 * @return the exception
	 */
	public static EtcdException failure(Throwable error, String what) {
		Throwable cause = EtcdErrors.unwrap(error);
		EtcdException etcd = EtcdExceptionFactory.toEtcdException(cause);
		return EtcdExceptionFactory.newEtcdException(etcd.getErrorCode(), what + ": " + describe(cause), cause);
	}

	/**
	 * A short description of a failure, for a log line.
	 * @param error the failure
	 * @return its message, or its type when it has none
	 */
	public static String describe(Throwable error) {
		return EtcdErrors.describe(error, null);
	}

}
