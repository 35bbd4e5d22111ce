package io.github.etcdconfig.config;

import org.apache.commons.logging.Log;

/**
 * A key that could not be used. Reported instead of thrown so that one bad key never
 * costs the application the values it has: the caller decides whether it is a warning, an
 * error or a failed start-up.
 *
 * @param key the etcd key, printable even when it is not UTF-8
 * @param kind what is wrong
 * @param message what is wrong, never quoting the value
 * @param consequence what happens to the key, for example "skipped"
 */
public record EtcdConfigProblem(String key, Kind kind, String message, String consequence) {

	/**
	 * What is wrong with a key.
	 */
	public enum Kind {

		/** The key maps to no usable property name. */
		INVALID_NAME,

		/** The key or its value is not UTF-8. */
		NOT_UTF8,

		/** A document key that does not parse. */
		BROKEN_DOCUMENT,

		/**
		 * A staged rollout's selector that does not parse: the instance takes none of the
		 * rollout's values.
		 */
		BROKEN_SELECTOR

	}

	/**
	 * Log the problem: a broken document is an error, anything else a warning.
	 * @param log where to log
	 */
	public void log(Log log) {
		if (this.kind == Kind.BROKEN_DOCUMENT) {
			log.error(this);
		}
		else {
			log.warn(this);
		}
	}

	@Override
	public String toString() {
		return "etcd key " + this.key + ": " + this.message + "; " + this.consequence;
	}

}
