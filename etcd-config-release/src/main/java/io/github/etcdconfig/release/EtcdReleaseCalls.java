package io.github.etcdconfig.release;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import io.github.etcdconfig.client.EtcdErrors;
import io.github.etcdconfig.ranges.EtcdCalls;
import io.grpc.Status;

/**
 * Waits for etcd calls with a deadline (jetcd alone would wait forever for a server that
 * does not answer) and turns their failures into an {@link EtcdReleaseException} whose
 * reason says what the operator can do: fix the request, fix the credentials or
 * permissions, or reach etcd.
 */
public final class EtcdReleaseCalls {

	private EtcdReleaseCalls() {
	}

	/**
	 * Wait for a call.
	 * @param <T> the result type
	 * @param call the call in flight
	 * @param timeout the deadline
	 * @param what the call, for a message
	 * @return the result
	 * @throws EtcdReleaseException when the call failed or did not answer in time
	 */
	public static <T> T await(CompletableFuture<T> call, Duration timeout, String what) {
		return run(() -> EtcdCalls.get(call, timeout), timeout, what);
	}

	/**
	 * Run something that calls etcd with deadlines of its own, such as a paged read.
	 * @param work the work
	 * @param timeout the deadline of each call, for a message
	 * @param what the work, for a message
	 * @return its result
	 */
	static <T> T run(Callable<T> work, Duration timeout, String what) {
		try {
			return work.call();
		}
		catch (EtcdReleaseException ex) {
			throw ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new EtcdReleaseException(EtcdReleaseException.Reason.UNAVAILABLE, what + " was interrupted", ex);
		}
		catch (Exception ex) {
			throw failure(ex, timeout, what);
		}
	}

	private static EtcdReleaseException failure(Exception ex, Duration timeout, String what) {
		EtcdReleaseException.Reason reason = switch (EtcdErrors.kind(ex)) {
			case ACCESS_DENIED -> EtcdReleaseException.Reason.DENIED;
			case REJECTED, TOO_LARGE, COMPACTED -> EtcdReleaseException.Reason.INVALID;
			default -> EtcdReleaseException.Reason.UNAVAILABLE;
		};
		return new EtcdReleaseException(reason, what + ": " + describe(ex, timeout), ex);
	}

	// The starter's description names its own settings; an operator's tool says it in its
	// own words.
	private static String describe(Exception ex, Duration timeout) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		if (root instanceof TimeoutException) {
			return "etcd did not answer within " + timeout.toMillis() + " ms";
		}
		Status status = Status.fromThrowable(ex);
		String detail = (status.getDescription() != null) ? status.getDescription() : root.getMessage();
		return (status.getCode() != Status.Code.UNKNOWN) ? status.getCode() + ": " + detail : String.valueOf(detail);
	}

}
