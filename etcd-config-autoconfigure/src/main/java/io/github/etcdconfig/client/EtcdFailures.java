package io.github.etcdconfig.client;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.grpc.Status;

/**
 * A failed etcd call in words, for logs, health details and start-up failures: the gRPC status and etcd's own
 * description, or the deadline that passed. jetcd wraps the cause several times; the words come from the innermost
 * one. Never contains credentials: etcd's messages do not quote them.
 */
public final class EtcdFailures {

	private EtcdFailures() {
	}

	/**
	 * Describe a failure.
	 * @param failure the failure, as the call's future completed with it
	 * @param requestTimeout the deadline the call had, or {@code null} when unknown
	 * @return the description
	 */
	public static String describe(Throwable failure, Duration requestTimeout) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		if (root instanceof TimeoutException) {
			return (requestTimeout != null)
					? "no answer within " + requestTimeout.toMillis() + " ms (etcd.request-timeout)"
					: "no answer in time";
		}
		Status status = Status.fromThrowable(failure);
		String detail = (status.getDescription() != null) ? status.getDescription() : root.getMessage();
		String described = (status.getCode() != Status.Code.UNKNOWN) ? status.getCode() + ": " + detail
				: (detail != null) ? detail : root.getClass().getName();
		if (status.getCode() == Status.Code.UNAUTHENTICATED) {
			described += " (check etcd.username and etcd.password)";
		}
		return described;
	}

}
