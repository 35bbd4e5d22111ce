package io.github.etcdconfig.release;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.github.etcdconfig.config.EtcdRolloutSelector;

/**
 * A staged rollout as it stands, kept as JSON at {@code {releases-prefix}{application
 * layer without its leading /}rollout} so that it survives the tool that started it:
 * another operator, the CLI again or the console can see it and drive it on. The last
 * state of a rollout stays there, and goes into its release record.
 *
 * @param id the rollout's id, also the selector's
 * @param application the application
 * @param layer the application layer's prefix
 * @param status running, paused, or how it ended
 * @param stages the stages, each with when it was reached and its instances then
 * @param stage the index of the current stage
 * @param bake how long each stage bakes
 * @param applyTimeout how long, from a stage being reached, its instances are given to
 * apply it ({@link EtcdRolloutOptions#DEFAULT_APPLY_TIMEOUT} for a state written without
 * it)
 * @param bakeStartedAt when the current stage's instances had all applied the values (the
 * bake runs from there), or {@code null} while they have not
 * @param selector the selector written for the current stage, as JSON
 * ({@link EtcdRolloutSelector#toJson()})
 * @param startRevision the revision of the transaction that started the rollout
 * @param stageRevision the revision of the transaction that reached the current stage:
 * its instances have applied the values when they report this revision or a later one
 * @param author who started it
 * @param message why, or {@code null}
 * @param properties the names of the properties it changes
 * @param cause why it was rolled back or aborted, or {@code null}
 * @param startedAt when it was started
 * @param updatedAt when this state was written
 */
public record EtcdRolloutState(String id, String application, String layer, Status status, List<Stage> stages,
		int stage, Duration bake, Duration applyTimeout, Instant bakeStartedAt, String selector, long startRevision,
		long stageRevision, String author, String message, List<String> properties, Cause cause, Instant startedAt,
		Instant updatedAt) {

	public EtcdRolloutState {
		stages = List.copyOf(stages);
		applyTimeout = (applyTimeout != null) ? applyTimeout : EtcdRolloutOptions.DEFAULT_APPLY_TIMEOUT;
		properties = (properties != null) ? List.copyOf(properties) : List.of();
	}

	/**
	 * Where a rollout stands.
	 */
	public enum Status {

		/** Driven towards its next stage. */
		RUNNING,

		/** Stopped at its stage by an operator, its instances keeping the values. */
		PAUSED,

		/** Its values are a normal release of the application's layer. */
		COMPLETED,

		/** A failure of an instance of its subset removed its values. */
		ROLLED_BACK,

		/** An operator removed its values. */
		ABORTED;

		/**
		 * Whether a rollout in this state holds its application: no other release nor
		 * rollout of its layer may start.
		 * @return whether it is running or paused
		 */
		public boolean isActive() {
			return this == RUNNING || this == PAUSED;
		}

	}

	/**
	 * One stage.
	 *
	 * @param spec the stage as the operator wrote it ({@link EtcdRolloutStage#text()})
	 * @param reachedAt when its selector was written, or {@code null} before
	 * @param instances the ids of the instances of the subset when it was reached
	 */
	public record Stage(String spec, Instant reachedAt, List<String> instances) {

		public Stage {
			instances = (instances != null) ? List.copyOf(instances) : List.of();
		}

	}

	/**
	 * Why a rollout was rolled back.
	 *
	 * @param instance the instance that failed, {@code service/id}, or who aborted it
	 * @param reason what happened, such as {@code rejected the release (limits.rate:
	 * must be at most 100)} or {@code left the registry}
	 */
	public record Cause(String instance, String reason) {

		@Override
		public String toString() {
			return this.instance + ": " + this.reason;
		}

	}

	/**
	 * Whether the rollout still holds its application.
	 * @return whether it is running or paused
	 */
	@JsonIgnore
	public boolean isActive() {
		return this.status.isActive();
	}

	/**
	 * The current stage.
	 * @return the stage
	 */
	@JsonIgnore
	public Stage currentStage() {
		return this.stages.get(this.stage);
	}

	/**
	 * Whether the current stage is the last.
	 * @return whether the next step completes the rollout
	 */
	@JsonIgnore
	public boolean isLastStage() {
		return this.stage == this.stages.size() - 1;
	}

	/**
	 * The selector of the current stage.
	 * @return the selector
	 */
	@JsonIgnore
	public EtcdRolloutSelector subsetSelector() {
		return EtcdRolloutSelector.parse(this.selector);
	}

	/**
	 * When the current stage's bake ends.
	 * @return the instant, or {@code null} while its instances have not all applied
	 */
	@JsonIgnore
	public Instant bakeEndsAt() {
		return (this.bakeStartedAt != null) ? this.bakeStartedAt.plus(this.bake) : null;
	}

	/**
	 * When the current stage's instances must all have applied it: its
	 * {@link Stage#reachedAt() reachedAt} and the {@link #applyTimeout() apply timeout}.
	 * @return the instant, or {@code null} for a stage not reached
	 */
	@JsonIgnore
	public Instant applyDeadline() {
		Instant reachedAt = currentStage().reachedAt();
		return (reachedAt != null) ? reachedAt.plus(this.applyTimeout) : null;
	}

	EtcdRolloutState with(Status status, Instant now) {
		return new EtcdRolloutState(this.id, this.application, this.layer, status, this.stages, this.stage, this.bake,
				this.applyTimeout, this.bakeStartedAt, this.selector, this.startRevision, this.stageRevision,
				this.author, this.message, this.properties, this.cause, this.startedAt, now);
	}

	EtcdRolloutState withBakeStartedAt(Instant bakeStartedAt, Instant now) {
		return new EtcdRolloutState(this.id, this.application, this.layer, this.status, this.stages, this.stage,
				this.bake, this.applyTimeout, bakeStartedAt, this.selector, this.startRevision, this.stageRevision,
				this.author, this.message, this.properties, this.cause, this.startedAt, now);
	}

	EtcdRolloutState withCause(Status status, Cause cause, Instant now) {
		return new EtcdRolloutState(this.id, this.application, this.layer, status, this.stages, this.stage, this.bake,
				this.applyTimeout, this.bakeStartedAt, this.selector, this.startRevision, this.stageRevision,
				this.author, this.message, this.properties, cause, this.startedAt, now);
	}

	EtcdRolloutState withRevisions(long startRevision, long stageRevision) {
		return new EtcdRolloutState(this.id, this.application, this.layer, this.status, this.stages, this.stage,
				this.bake, this.applyTimeout, this.bakeStartedAt, this.selector, startRevision, stageRevision,
				this.author, this.message, this.properties, this.cause, this.startedAt, this.updatedAt);
	}

	/**
	 * This rollout at its next stage, reached now.
	 * @param selector the widened selector
	 * @param instances the instances it admits now
	 * @param now the time
	 * @return the state
	 */
	EtcdRolloutState reached(int next, EtcdRolloutSelector selector, List<String> instances, Instant now) {
		List<Stage> stages = new ArrayList<>(this.stages);
		stages.set(next, new Stage(stages.get(next).spec(), now, instances));
		return new EtcdRolloutState(this.id, this.application, this.layer, this.status, stages, next, this.bake,
				this.applyTimeout, null, selector.toJson(), this.startRevision, this.stageRevision, this.author,
				this.message, this.properties, this.cause, this.startedAt, now);
	}

	/**
	 * A line for an operator: the rollout, its status and stage.
	 */
	@Override
	public String toString() {
		return "rollout " + this.id + " of " + this.application + " " + this.status + " at stage " + (this.stage + 1)
				+ "/" + this.stages.size() + " (" + currentStage().spec() + ")";
	}

}
