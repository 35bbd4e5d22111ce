package io.github.etcdconfig.release;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import org.springframework.util.StringUtils;

/**
 * The one way from a computed release to a published one, for every operator tool (the
 * CLI and the console call it alike): {@link #review review} the plan, which refuses at
 * once a release that does not fit in one transaction, says when there is nothing to
 * publish, and asks the running instances whether they would apply it; once the operator
 * confirms, {@link #publish publish} it as its author; then follow its
 * {@link #awaitRollout rollout}. Each step is one method, so a step added to the workflow
 * reaches every tool.
 */
public final class EtcdReleaseWorkflow {

	/** The notice of a release that changes nothing. */
	public static final String NOTHING_TO_RELEASE = "Nothing to release: etcd already holds these values.";

	private final EtcdReleases releases;

	/**
	 * Create the workflow.
	 * @param releases the releases it publishes with
	 */
	public EtcdReleaseWorkflow(EtcdReleases releases) {
		this.releases = releases;
	}

	/**
	 * Review a computed release before asking anyone to confirm it, without asking the
	 * running instances.
	 * @param plan the release
	 * @return the review: publishable, or with the notice that nothing changes
	 * @throws EtcdReleaseException (invalid) when it does not fit in one transaction
	 */
	public EtcdReleaseReview review(EtcdReleasePlan plan) {
		return review(plan, null, EtcdVerifyOptions.SKIP);
	}

	/**
	 * Review a computed release before asking anyone to confirm it: a release that
	 * changes something is offered to the running instances first
	 * ({@link EtcdReleases#verify}), unless the options say not to, and their answers
	 * come with the review. A release one of them rejects cannot be published.
	 * @param plan the release
	 * @param by who asks, or {@code null}
	 * @param verify whether to ask the instances, and how long to wait for them
	 * @return the review: publishable, or with the notice that nothing changes; with the
	 * instances' answers
	 * @throws EtcdReleaseException (invalid) when it does not fit in one transaction
	 */
	public EtcdReleaseReview review(EtcdReleasePlan plan, String by, EtcdVerifyOptions verify) {
		this.releases.checkSize(plan);
		if (plan.isEmpty()) {
			return new EtcdReleaseReview(plan, NOTHING_TO_RELEASE);
		}
		return new EtcdReleaseReview(plan, null,
				verify.enabled() ? this.releases.verify(plan, by, verify.timeout()) : null);
	}

	/**
	 * Publish a reviewed release, confirmed by its author: its changes and records (with
	 * the instances' answers) in one transaction, which fails if any key of its layers
	 * changed since the plan was read ({@link EtcdReleases#changesSince} then tells what
	 * changed).
	 * @param review the review
	 * @param author who publishes it
	 * @param message why, or {@code null} or blank
	 * @return the releases published, and whose rollout follows them
	 * @throws EtcdReleaseException (rejected) when a running instance rejected it, naming
	 * the instances and the properties; (conflict) when a layer changed meanwhile;
	 * (invalid) when there is nothing to publish; nothing is written in any case
	 */
	public EtcdPublication publish(EtcdReleaseReview review, String author, String message) {
		EtcdReleasePlan plan = review.plan();
		List<EtcdRelease> published = this.releases.publish(plan, author,
				StringUtils.hasText(message) ? message.strip() : null, review.verification());
		EtcdRelease first = published.get(0);
		// A release of one profile's layer is a gray release: only that profile's
		// instances apply it.
		return new EtcdPublication(published, first.application(), (published.size() == 1) ? first.profile() : null);
	}

	/**
	 * Wait until the instances a release reaches have applied it.
	 * @param publication the release published
	 * @param timeout how long to wait
	 * @return who has applied it
	 */
	public EtcdRollout awaitRollout(EtcdPublication publication, Duration timeout) {
		return this.releases.awaitRevision(publication.application(), publication.revision(), timeout);
	}

	/**
	 * Start a reviewed release as a staged rollout instead of publishing it to every
	 * instance: its values go to the first stage's instances only
	 * ({@link EtcdReleases#startRollout}). A release a running instance rejected in the
	 * review is refused. Drive it on with {@link #driveRollout}.
	 * @param review the review
	 * @param options the stages and the bake time
	 * @param author who starts it
	 * @param message why, or {@code null} or blank
	 * @return the rollout, running at its first stage
	 * @throws EtcdReleaseException (rejected) when an instance rejected it; (invalid)
	 * when it deletes a key, is empty or is not of an application's layer; (conflict)
	 * when a rollout of the application runs, or the layer changed meanwhile
	 */
	public EtcdRolloutState startRollout(EtcdReleaseReview review, EtcdRolloutOptions options, String author,
			String message) {
		if (review.isRejected()) {
			throw EtcdReleases.rejected(review.verification());
		}
		return this.releases.startRollout(review.plan(), options, author,
				StringUtils.hasText(message) ? message.strip() : null);
	}

	/**
	 * Drive an application's rollout on the calling thread until it completes, is rolled
	 * back or aborted, or is paused.
	 * @param application the application
	 * @param listener told of every stage, wait, bake and the end, on this thread
	 * @return how it ended
	 * @throws EtcdReleaseException (conflict) when another driver holds it
	 */
	public EtcdRolloutResult driveRollout(String application, Consumer<EtcdRolloutStatus> listener) {
		return this.releases.rolloutDriver(application).run(listener);
	}

	/**
	 * Resume a paused rollout and drive it to its end on the calling thread; a running
	 * rollout whose driver is gone (a command line killed) is driven on as it is, once
	 * the old driver's lock has expired.
	 * @param application the application
	 * @param by who resumes it
	 * @param listener told of every step
	 * @return how it ended
	 */
	public EtcdRolloutResult resumeRollout(String application, String by, Consumer<EtcdRolloutStatus> listener) {
		this.releases.resumeRollout(application, by);
		return driveRollout(application, listener);
	}

}
