package io.github.etcdconfig.release;

import java.util.List;

import io.github.etcdconfig.refresh.EtcdRejectedProperty;
import io.github.etcdconfig.verify.EtcdConfigVerdict;

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
public record EtcdInstanceVerdict(String instance, EtcdConfigVerdict.Verdict verdict, String reason,
		List<EtcdRejectedProperty> properties) {

	public EtcdInstanceVerdict {
		properties = (properties != null) ? List.copyOf(properties) : List.of();
	}

	/**
	 * An instance's answer as its registration holds it.
	 * @param instance the instance, {@code service/instance}
	 * @param verdict its answer
	 * @return the answer
	 */
	public static EtcdInstanceVerdict of(String instance, EtcdConfigVerdict verdict) {
		return new EtcdInstanceVerdict(instance, verdict.verdict(), verdict.reason(), verdict.properties());
	}

	@Override
	public String toString() {
		return this.instance + " " + this.verdict.name().toLowerCase()
				+ (!this.properties.isEmpty()
						? " " + String.join(", ", this.properties.stream().map(String::valueOf).toList()) : "")
				+ ((this.reason != null) ? ": " + this.reason : "");
	}

}
