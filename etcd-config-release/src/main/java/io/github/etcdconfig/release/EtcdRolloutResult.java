package io.github.etcdconfig.release;

/**
 * How a driver's run of a rollout ended.
 *
 * @param outcome completed, rolled back, aborted, or detached (paused)
 * @param state the rollout's last state
 * @param release the release record of a completed, rolled back or aborted rollout, or
 * {@code null} when the driver detached
 */
public record EtcdRolloutResult(Outcome outcome, EtcdRolloutState state, EtcdRelease release) {

	/**
	 * How the run ended.
	 */
	public enum Outcome {

		/** The rollout's values are a release of the application's layer. */
		COMPLETED,

		/**
		 * A failure in the subset removed the values; {@code state().cause()} says which.
		 */
		ROLLED_BACK,

		/** An operator aborted the rollout. */
		ABORTED,

		/** An operator paused the rollout; it waits for {@code resume}. */
		DETACHED

	}

}
