package io.github.etcdconfig.release;

import java.time.Duration;

/**
 * Whether a release is offered to the running instances before it is published, and how
 * long their answers are waited for.
 *
 * @param enabled whether to ask them
 * @param timeout how long to wait for their answers; those that give none in time are
 * listed as not answered
 */
public record EtcdVerifyOptions(boolean enabled, Duration timeout) {

	/** The default wait for the instances' answers: 5 seconds. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

	/** Ask the instances, waiting up to 5 seconds. */
	public static final EtcdVerifyOptions DEFAULT = new EtcdVerifyOptions(true, DEFAULT_TIMEOUT);

	/** Publish without asking the instances. */
	public static final EtcdVerifyOptions SKIP = new EtcdVerifyOptions(false, DEFAULT_TIMEOUT);

	/**
	 * Check the options.
	 * @throws EtcdReleaseException (invalid) when the timeout is not positive
	 */
	public EtcdVerifyOptions {
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw EtcdReleaseException.invalid("The verify timeout must be a positive duration");
		}
	}

}
