package io.github.etcdconfig.config;

import io.github.etcdconfig.client.EtcdErrors;

/**
 * Start-up could not load configuration from etcd. Its message names the endpoints and
 * prefixes, never credentials; {@link EtcdConfigFailureAnalyzer} explains what to do
 * about its {@link Reason}.
 */
public class EtcdConfigLoadException extends RuntimeException {

	/**
	 * Why the load failed, as far as the remedy differs.
	 */
	public enum Reason {

		/**
		 * etcd did not answer: down, unreachable, no leader, or too slow for the
		 * deadline.
		 */
		UNREACHABLE,

		/** etcd refused the credentials, or the user may not read the prefixes. */
		ACCESS_DENIED,

		/** A document key (YAML or properties) does not parse. */
		BROKEN_DOCUMENT,

		/** The client could not be set up from the settings, for example TLS. */
		CLIENT_SETUP,

		/** etcd answered with another error. */
		FAILED

	}

	private final transient EtcdConfigDataResource resource;

	private final Reason reason;

	private final String key;

	private EtcdConfigLoadException(EtcdConfigDataResource resource, Reason reason, String key, String message,
			Throwable cause) {
		super("Could not load configuration from " + resource + ": " + message, cause);
		this.resource = resource;
		this.reason = reason;
		this.key = key;
	}

	/**
	 * etcd could not be read, after the retries.
	 * @param resource what was being loaded
	 * @param description the failure in words
	 * @param failure the last failure
	 * @return the exception
	 */
	static EtcdConfigLoadException readFailed(EtcdConfigDataResource resource, String description, Throwable failure) {
		Reason reason = switch (EtcdErrors.kind(failure)) {
			case UNREACHABLE -> Reason.UNREACHABLE;
			case ACCESS_DENIED -> Reason.ACCESS_DENIED;
			default -> Reason.FAILED;
		};
		return new EtcdConfigLoadException(resource, reason, null, description, failure);
	}

	/**
	 * A document key does not parse.
	 * @param resource what was being loaded
	 * @param problem the key and what is wrong with it
	 * @return the exception
	 */
	static EtcdConfigLoadException brokenDocument(EtcdConfigDataResource resource, EtcdConfigProblem problem) {
		return new EtcdConfigLoadException(resource, Reason.BROKEN_DOCUMENT, problem.key(),
				"etcd key " + problem.key() + ": " + problem.message(), null);
	}

	/**
	 * The client could not be made.
	 * @param resource what was being loaded
	 * @param failure what the client factory threw
	 * @return the exception
	 */
	static EtcdConfigLoadException clientSetup(EtcdConfigDataResource resource, RuntimeException failure) {
		return new EtcdConfigLoadException(resource, Reason.CLIENT_SETUP, null, failure.getMessage(), failure);
	}

	public EtcdConfigDataResource getResource() {
		return this.resource;
	}

	public Reason getReason() {
		return this.reason;
	}

	/**
	 * The key that broke the load.
	 * @return the key, printable; {@code null} unless the reason is
	 * {@link Reason#BROKEN_DOCUMENT}
	 */
	public String getKey() {
		return this.key;
	}

}
