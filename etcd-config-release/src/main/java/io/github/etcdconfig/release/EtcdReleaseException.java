package io.github.etcdconfig.release;

/**
 * A release, read or wait that did not happen, and why. Whenever one is thrown, no
 * configuration was written. Its message names the file, key, option or endpoint
 * concerned, and never a value or a password.
 */
public class EtcdReleaseException extends RuntimeException {

	/**
	 * Why nothing happened.
	 */
	public enum Reason {

		/**
		 * The input, the options or the request are wrong: a file that does not parse, a
		 * name no key can carry.
		 */
		INVALID,

		/** Someone changed the layer after it was read. */
		CONFLICT,

		/** etcd did not answer in time, or could not be reached. */
		UNAVAILABLE,

		/** etcd refused the credentials, or the user may not read or write there. */
		DENIED,

		/**
		 * A running instance refuses the release: a property would not bind, validate or
		 * resolve there.
		 */
		REJECTED

	}

	private final Reason reason;

	/**
	 * Create an exception.
	 * @param reason why nothing happened
	 * @param message what happened, naming what is concerned
	 */
	public EtcdReleaseException(Reason reason, String message) {
		this(reason, message, null);
	}

	/**
	 * Create an exception.
	 * @param reason why nothing happened
	 * @param message what happened, naming what is concerned
	 * @param cause the cause, or {@code null}
	 */
	public EtcdReleaseException(Reason reason, String message, Throwable cause) {
		super(message, cause);
		this.reason = reason;
	}

	public Reason getReason() {
		return this.reason;
	}

	static EtcdReleaseException invalid(String message) {
		return new EtcdReleaseException(Reason.INVALID, message);
	}

}
