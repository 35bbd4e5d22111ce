package io.github.etcdconfig.client;

import java.time.Duration;

import org.springframework.util.StringUtils;
import org.springframework.validation.Errors;

/**
 * The checks the {@code etcd.*} settings classes share, each with a message that names
 * the property. One place, so that {@code etcd.config}, {@code etcd.discovery} and
 * {@code etcd.lock} reject the same mistakes in the same words.
 */
public final class EtcdValidation {

	private EtcdValidation() {
	}

	/**
	 * Reject a duration that is missing, zero or negative.
	 * @param errors where to report
	 * @param field the field, as the settings class names it
	 * @param value the value
	 * @param property the property, as the user writes it
	 */
	public static void positive(Errors errors, String field, Duration value, String property) {
		if (value == null || value.isNegative() || value.isZero()) {
			errors.rejectValue(field, "etcd.duration.positive", property + " must be a positive duration");
		}
	}

	/**
	 * Reject a key prefix that does not name a folder: it must start and end with
	 * {@code /}.
	 * @param errors where to report
	 * @param field the field, as the settings class names it
	 * @param value the prefix
	 * @param property the property, as the user writes it
	 * @param example a valid prefix, for the message
	 */
	public static void folder(Errors errors, String field, String value, String property, String example) {
		if (!StringUtils.hasText(value) || !value.startsWith("/") || !value.endsWith("/")) {
			errors.rejectValue(field, "etcd.prefix.invalid",
					property + " '" + value + "' must start and end with '/', for example " + example);
		}
	}

	/**
	 * Reject a lease time to live under one second: etcd counts whole seconds.
	 * @param errors where to report
	 * @param field the field, as the settings class names it
	 * @param value the time to live
	 * @param property the property, as the user writes it
	 * @return whether the value was accepted
	 */
	public static boolean leaseTtl(Errors errors, String field, Duration value, String property) {
		if (value == null || value.compareTo(Duration.ofSeconds(1)) < 0) {
			errors.rejectValue(field, "etcd.ttl.invalid", property + " must be at least 1s");
			return false;
		}
		return true;
	}

}
