package io.github.etcdconfig.release;

import java.util.List;

/**
 * What one instance answered to a proposed release: whether it would apply it, and if
 * not, which properties it refuses and why. Never a value.
 *
 * @param instance the instance, {@code service/instance}
 * @param verdict accepted, rejected or ignored
 * @param reason why it ignored the proposal (malformed, oversized, a layer it does not
 * read), or {@code null}
 * @param properties the properties it refuses, with the reasons
 */
public record EtcdInstanceVerdict(String instance, Verdict verdict, String reason,
		List<EtcdPropertyReason> properties) {

	/**
	 * An instance's answer.
	 */
	public enum Verdict {

		/** It would apply the release. */
		ACCEPTED,

		/** It would refuse the release: a property does not bind, validate or resolve. */
		REJECTED,

		/** It did not evaluate the proposal, and says why. */
		IGNORED

	}

	public EtcdInstanceVerdict {
		properties = (properties != null) ? List.copyOf(properties) : List.of();
	}

	@Override
	public String toString() {
		return this.instance + " " + this.verdict.name().toLowerCase()
				+ (!this.properties.isEmpty()
						? " " + String.join(", ", this.properties.stream().map(String::valueOf).toList()) : "")
				+ ((this.reason != null) ? ": " + this.reason : "");
	}

}
