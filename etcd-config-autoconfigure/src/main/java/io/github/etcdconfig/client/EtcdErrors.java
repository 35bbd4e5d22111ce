package io.github.etcdconfig.client;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.support.Errors;
import io.grpc.Status;

/**
 * The one place that tells kinds of etcd failure apart, and puts a failure in words.
 * Every caller (start-up load, watcher, leases, health, failure analysis) asks here, so a
 * failure means the same thing everywhere.
 *
 * <p>
 * The kind comes from what jetcd reports: an {@link EtcdException}'s error code, a gRPC
 * {@link Status}, a {@link CompactedException}, or the {@link TimeoutException} of a
 * call's own deadline; never from message text. The one exception is jetcd's own test for
 * an expired auth token ({@link Errors#isInvalidTokenError}), which etcd reports with the
 * same status as wrong credentials. jetcd wraps causes several times; every method looks
 * through {@link CompletionException}s and {@link ExecutionException}s.
 */
public final class EtcdErrors {

	private EtcdErrors() {
	}

	/**
	 * What went wrong, as far as a caller has to decide what to do next.
	 */
	public enum Kind {

		/**
		 * No answer: etcd is down, unreachable, has no leader, or the call's deadline
		 * passed. Try again later.
		 */
		UNREACHABLE,

		/**
		 * Wrong credentials, or a user without permission for the key. Trying again does
		 * not help.
		 */
		ACCESS_DENIED,

		/**
		 * etcd does not know what the call named, for example a lease that expired or was
		 * revoked.
		 */
		NOT_FOUND,

		/** A request or response larger than the client or etcd accepts. */
		TOO_LARGE,

		/**
		 * The revision asked for is older than etcd's history: read the current state
		 * again.
		 */
		COMPACTED,

		/**
		 * etcd refused the request itself (invalid argument, failed precondition,
		 * unimplemented).
		 */
		REJECTED,

		/** Anything else; may succeed when tried again. */
		OTHER

	}

	/**
	 * The kind of a failure.
	 * @param failure the failure, as a call's future completed with it
	 * @return the kind
	 */
	public static Kind kind(Throwable failure) {
		Throwable cause = unwrap(failure);
		if (cause instanceof CompactedException) {
			return Kind.COMPACTED;
		}
		if (cause instanceof TimeoutException || cause instanceof ConnectException) {
			return Kind.UNREACHABLE;
		}
		Status status = Status.fromThrowable(cause);
		if (Errors.isInvalidTokenError(status) || Errors.isAuthStoreExpired(status)) {
			// jetcd fetches a new token and retries; what is left is worth another try.
			return Kind.OTHER;
		}
		return switch (code(cause, status)) {
			case UNAVAILABLE, DEADLINE_EXCEEDED -> Kind.UNREACHABLE;
			case UNAUTHENTICATED, PERMISSION_DENIED -> Kind.ACCESS_DENIED;
			case NOT_FOUND -> Kind.NOT_FOUND;
			case RESOURCE_EXHAUSTED -> Kind.TOO_LARGE;
			case OUT_OF_RANGE -> Kind.COMPACTED;
			case INVALID_ARGUMENT, FAILED_PRECONDITION, UNIMPLEMENTED -> Kind.REJECTED;
			default -> Kind.OTHER;
		};
	}

	/**
	 * Whether a failed call may succeed when it is tried again: not when etcd refused the
	 * credentials, the permission or the request itself.
	 * @param failure the failure
	 * @return whether to retry
	 */
	public static boolean isRetryable(Throwable failure) {
		Kind kind = kind(failure);
		return kind != Kind.ACCESS_DENIED && kind != Kind.REJECTED;
	}

	/**
	 * Whether a read at a given revision was refused because the member that received it
	 * has not applied that revision yet, or it was compacted: etcd answers
	 * {@code OUT_OF_RANGE} to both, which etcd's gRPC proxy passes on as {@code UNKNOWN}.
	 * A linearizable read, which waits until the member has applied what was committed,
	 * is the way on.
	 * @param failure what the read's future completed with
	 * @return whether the revision was refused
	 */
	public static boolean isRevisionRefused(Throwable failure) {
		Kind kind = kind(failure);
		return kind == Kind.COMPACTED || kind == Kind.OTHER;
	}

	/**
	 * Whether etcd does not know the lease a call named: it expired or was revoked.
	 * @param failure what a lease call's future completed with
	 * @return whether the lease is gone
	 */
	public static boolean isLeaseNotFound(Throwable failure) {
		return kind(failure) == Kind.NOT_FOUND;
	}

	/**
	 * Describe a failure, for logs, health details and start-up failures: the gRPC status
	 * and etcd's own description, or the deadline that passed. Never contains
	 * credentials: etcd's messages do not quote them.
	 * @param failure the failure, as the call's future completed with it
	 * @param requestTimeout the deadline the call had, or {@code null} when unknown
	 * @return the description, naming the starter's settings (etcd.request-timeout,
	 * etcd.username and etcd.password) where one of them is the likely cause
	 */
	public static String describe(Throwable failure, Duration requestTimeout) {
		return describe(failure, requestTimeout, "etcd.request-timeout", "etcd.username and etcd.password");
	}

	/**
	 * Describe a failure, naming the caller's own settings where one of them is the
	 * likely cause: an operator's tool has settings of its own.
	 * @param failure the failure, as the call's future completed with it
	 * @param requestTimeout the deadline the call had, or {@code null} when unknown
	 * @param timeoutSetting the setting of the deadline, or {@code null} to name none
	 * @param credentialSettings the settings of the credentials, or {@code null} to name
	 * none
	 * @return the description
	 */
	public static String describe(Throwable failure, Duration requestTimeout, String timeoutSetting,
			String credentialSettings) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		if (root instanceof TimeoutException) {
			return (requestTimeout != null) ? "no answer within " + requestTimeout.toMillis() + " ms"
					+ ((timeoutSetting != null) ? " (" + timeoutSetting + ")" : "") : "no answer in time";
		}
		Status status = Status.fromThrowable(failure);
		Status.Code code = status.getCode();
		String detail = (status.getDescription() != null) ? status.getDescription() : root.getMessage();
		Status.Code callCode = code(unwrap(failure), status);
		if (code != Status.Code.UNKNOWN && callCode != code) {
			// The call's own failure, caused by the request that held it back.
			detail = code + ": " + detail;
			code = callCode;
		}
		String described = (code != Status.Code.UNKNOWN) ? code + ": " + detail
				: (detail != null) ? detail : root.getClass().getName();
		if (code == Status.Code.UNAUTHENTICATED && credentialSettings != null) {
			described += " (check " + credentialSettings + ")";
		}
		return described;
	}

	/**
	 * The failure inside the wrappers of futures.
	 * @param failure what a future completed with, or what its {@code get} threw
	 * @return the failure itself
	 */
	public static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	// The call's own code: jetcd's exceptions carry the code of the gRPC status they were
	// made from, often without the status, and with that status's cause. jetcd fails a
	// call whose auth token request failed as UNAUTHENTICATED, caused by that request's
	// failure: etcd refusing the credentials (INVALID_ARGUMENT) is the call's
	// UNAUTHENTICATED, but a token request that found no etcd to answer it (a member
	// without a leader, a connection refused) is the outage it met.
	private static Status.Code code(Throwable cause, Status status) {
		Status.Code code = (cause instanceof EtcdException etcd && etcd.getErrorCode() != ErrorCode.UNKNOWN)
				? Status.Code.valueOf(etcd.getErrorCode().name()) : status.getCode();
		if (code == Status.Code.UNAUTHENTICATED && cause.getCause() != null) {
			Status.Code tokenRequest = Status.fromThrowable(cause.getCause()).getCode();
			if (tokenRequest == Status.Code.UNAVAILABLE || tokenRequest == Status.Code.DEADLINE_EXCEEDED) {
				return tokenRequest;
			}
		}
		return code;
	}

}
