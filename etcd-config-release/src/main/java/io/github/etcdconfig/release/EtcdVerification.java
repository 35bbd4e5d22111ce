package io.github.etcdconfig.release;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.etcdconfig.verify.EtcdConfigVerdict;

/**
 * What the running instances said of a release before it was published
 * ({@link EtcdReleases#verify}): each verifying instance evaluated the release against
 * its own beans and answered, and the release record keeps the answers.
 *
 * @param proposal the id of the proposal the instances evaluated, or {@code null} when
 * none was written (no instance verifies)
 * @param by who asked for the verification
 * @param verdicts the answers, one per instance that answered
 * @param notVerifying the registered instances that do not evaluate proposals (another
 * language, an older version, verification switched off): not waited for
 * @param notAnswered the verifying instances that gave no answer in time, or left the
 * registry meanwhile
 */
public record EtcdVerification(String proposal, String by, List<EtcdInstanceVerdict> verdicts,
		List<String> notVerifying, List<String> notAnswered) {

	public EtcdVerification {
		verdicts = List.copyOf(verdicts);
		notVerifying = List.copyOf(notVerifying);
		notAnswered = List.copyOf(notAnswered);
	}

	/**
	 * The answers that reject the release.
	 * @return the rejections
	 */
	@JsonIgnore
	public List<EtcdInstanceVerdict> rejections() {
		return this.verdicts.stream()
			.filter((verdict) -> verdict.verdict() == EtcdConfigVerdict.Verdict.REJECTED)
			.toList();
	}

	/**
	 * Whether an instance rejects the release, which then may not be published.
	 * @return whether one does
	 */
	@JsonProperty
	public boolean isRejected() {
		return !rejections().isEmpty();
	}

	/**
	 * Whether no instance evaluated the release: none registered, none verifies, none
	 * answered, or every one that answered ignored it.
	 * @return whether nothing was verified
	 */
	@JsonProperty
	public boolean isNothingVerified() {
		return this.verdicts.stream().allMatch((verdict) -> verdict.verdict() == EtcdConfigVerdict.Verdict.IGNORED);
	}

	/**
	 * The rejections in one line: each instance with the properties it refuses and why.
	 * @return such as {@code billing/b-1 rejected server.port (...)}
	 */
	public String describeRejections() {
		return String.join("; ", rejections().stream().map(EtcdInstanceVerdict::toString).toList());
	}

}
