package io.github.etcdconfig.verify;

import java.util.List;

import io.github.etcdconfig.refresh.EtcdRejectedProperty;

/**
 * What an instance answers to a proposed change: whether it would apply it. Written into
 * the instance's registration, where the operator tools read it. Names and reasons only,
 * never a value.
 *
 * @param proposal the id of the proposal
 * @param verdict the answer
 * @param reason why, for a proposal that was ignored (malformed, oversized, a layer this
 * instance does not read), or which properties were not checked ({@code {cipher}} values)
 * for an accepted or rejected one; {@code null} otherwise
 * @param properties for a rejected proposal, the properties that would fail and why;
 * empty otherwise
 */
public record EtcdConfigVerdict(String proposal, Verdict verdict, String reason,
		List<EtcdRejectedProperty> properties) {

	public EtcdConfigVerdict {
		properties = List.copyOf(properties);
	}

	/**
	 * The proposal is accepted: this instance would apply it cleanly.
	 * @param proposal the proposal id
	 * @return the verdict
	 */
	public static EtcdConfigVerdict accepted(String proposal) {
		return new EtcdConfigVerdict(proposal, Verdict.ACCEPTED, null, List.of());
	}

	/**
	 * The proposal is rejected: applying it would fail on these properties.
	 * @param proposal the proposal id
	 * @param properties the properties and reasons
	 * @return the verdict
	 */
	public static EtcdConfigVerdict rejected(String proposal, List<EtcdRejectedProperty> properties) {
		return new EtcdConfigVerdict(proposal, Verdict.REJECTED, null, properties);
	}

	/**
	 * The proposal is not evaluated.
	 * @param proposal the proposal id
	 * @param reason why
	 * @return the verdict
	 */
	public static EtcdConfigVerdict ignored(String proposal, String reason) {
		return new EtcdConfigVerdict(proposal, Verdict.IGNORED, reason, List.of());
	}

	/**
	 * An instance's answer to a proposal.
	 */
	public enum Verdict {

		/** It would apply the change cleanly. */
		ACCEPTED,

		/**
		 * Applying the change would fail: binding, validation, conversion, placeholders.
		 */
		REJECTED,

		/**
		 * Not evaluated: malformed, oversized, or a layer this instance does not read.
		 */
		IGNORED

	}

}
