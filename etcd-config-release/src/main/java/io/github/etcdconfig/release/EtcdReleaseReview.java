package io.github.etcdconfig.release;

/**
 * A computed release as the operator sees it before publishing: it fits in one
 * transaction (checked when the review is made), it either changes something or comes
 * with a notice that it does not, and the running instances' answers when they were asked
 * ({@link EtcdReleases#verify}).
 *
 * @param plan the release
 * @param notice why there is nothing to publish, or {@code null} when there is
 * @param verification what the running instances said of it, or {@code null} when they
 * were not asked
 */
public record EtcdReleaseReview(EtcdReleasePlan plan, String notice, EtcdVerification verification) {

	/**
	 * A review without the instances' answers.
	 * @param plan the release
	 * @param notice why there is nothing to publish, or {@code null} when there is
	 */
	public EtcdReleaseReview(EtcdReleasePlan plan, String notice) {
		this(plan, notice, null);
	}

	/**
	 * Whether a running instance rejects the release, which may then not be published.
	 * @return whether one does
	 */
	public boolean isRejected() {
		return this.verification != null && this.verification.isRejected();
	}

	/**
	 * Whether the release changes anything, so may be published.
	 * @return whether it may
	 */
	public boolean isPublishable() {
		return !this.plan.isEmpty();
	}

	/**
	 * Whether the release leaves one of its layers without any key, which the operator
	 * must agree to knowingly.
	 * @return whether it does
	 */
	public boolean emptiesLayer() {
		return this.plan.layers().stream().anyMatch(EtcdLayerChange::emptiesLayer);
	}

}
