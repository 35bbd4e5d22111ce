package io.github.etcdconfig.lease;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.github.etcdconfig.client.EtcdFailures;

/**
 * Waits for jetcd calls with a deadline: jetcd itself would wait forever for a server that does not answer.
 */
public final class EtcdCalls {

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
			return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			call.cancel(false);
			throw EtcdExceptionFactory.newEtcdException(ErrorCode.DEADLINE_EXCEEDED,
					what + ": etcd did not answer within " + timeout.toMillis() + " ms", ex);
		}
		catch (ExecutionException ex) {
			throw failure(ex.getCause(), what);
		}
	}

	/**
	 * The failure of a call, as an {@link EtcdException} whose message names the call.
	 * @param error what the call's future completed with
	 * @param what the call
	 * @return the exception
	 */
	public static EtcdException failure(Throwable error, String what) {
		Throwable cause = unwrap(error);
		EtcdException etcd = EtcdExceptionFactory.toEtcdException(cause);
		return EtcdExceptionFactory.newEtcdException(etcd.getErrorCode(), what + ": " + describe(cause), cause);
	}

	/**
	 * Whether a call failed because etcd does not know the lease (it expired or was revoked).
	 * @param error what the call's future completed with
	 * @return whether the lease is gone
	 */
	public static boolean isLeaseNotFound(Throwable error) {
		Throwable cause = unwrap(error);
		if (cause instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND) {
			return true;
		}
		return cause != null && cause.getMessage() != null && cause.getMessage().contains("requested lease not found");
	}

	/**
	 * A short description of a failure, for a log line.
	 * @param error the failure
	 * @return its message, or its type when it has none
	 */
	public static String describe(Throwable error) {
		return EtcdFailures.describe(error, null);
	}

	private static Throwable unwrap(Throwable error) {
		Throwable cause = error;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

}
