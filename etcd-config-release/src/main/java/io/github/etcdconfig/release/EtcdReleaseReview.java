package io.github.etcdconfig.release;

/**
 * A computed release as the operator sees it before publishing: it fits in one
 * transaction (checked when the review is made), and it either changes something or comes
 * with a notice that it does not.
 *
 * @param plan the release
 * @param notice why there is nothing to publish, or {@code null} when there is
 */
public record EtcdReleaseReview(EtcdReleasePlan plan, String notice) {

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
