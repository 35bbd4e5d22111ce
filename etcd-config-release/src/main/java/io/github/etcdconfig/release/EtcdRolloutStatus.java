package io.github.etcdconfig.release;

import java.util.List;

/**
 * One step of a rollout as its driver reports it, for a command line to print or a
 * console to show.
 *
 * @param event what happened
 * @param state the rollout's state after it
 * @param pending the instances of the subset that have not applied the stage yet
 * @param message a line for an operator
 */
public record EtcdRolloutStatus(Event event, EtcdRolloutState state, List<String> pending, String message) {

	public EtcdRolloutStatus {
		pending = List.copyOf(pending);
	}

	/**
	 * What happened.
	 */
	public enum Event {

		/** The driver waits for the lock a previous driver may still hold. */
		WAITING_FOR_LOCK,

		/** A stage was reached: its selector is written. */
		STAGE_REACHED,

		/** The driver waits for the subset to apply the stage. */
		WAITING,

		/** Every instance of the subset applied the stage: the bake runs. */
		BAKING,

		/** The values became a release of the application's layer. */
		COMPLETED,

		/** A failure in the subset removed the values. */
		ROLLED_BACK,

		/** An operator removed the values. */
		ABORTED,

		/** An operator paused the rollout: the driver lets go of it. */
		PAUSED

	}

}
