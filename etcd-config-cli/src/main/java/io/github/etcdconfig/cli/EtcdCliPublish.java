package io.github.etcdconfig.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

import io.github.etcdconfig.release.EtcdPublication;
import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleaseReview;
import io.github.etcdconfig.release.EtcdReleaseWorkflow;
import io.github.etcdconfig.release.EtcdReleases;
import io.github.etcdconfig.release.EtcdRolloutOptions;
import io.github.etcdconfig.release.EtcdRolloutStage;
import io.github.etcdconfig.release.EtcdRolloutState;
import io.github.etcdconfig.release.EtcdVerifyOptions;
import picocli.CommandLine.Option;

/**
 * How a computed release is published from the command line: shown, then taken through
 * the release API's workflow ({@link EtcdReleaseWorkflow}) with the options of the
 * command line: verified by the running instances (unless {@code --no-verify}; a
 * rejection exits 6 with nothing written), confirmed (or {@code --yes}), written, and
 * followed with {@code --wait}.
 */
public class EtcdCliPublish {

	@Option(names = { "-m", "--message" }, paramLabel = "TEXT", description = "why: kept in the release record")
	String message;

	@Option(names = "--author", paramLabel = "NAME",
			description = "who: kept in the release record (default: " + "user@host)")
	String author;

	@Option(names = { "-y", "--yes" }, description = "publish without asking")
	boolean yes;

	@Option(names = "--dry-run",
			description = "show the difference and the running instances' verdicts only; publish nothing")
	boolean dryRun;

	@Option(names = "--wait", arity = "0..1", paramLabel = "TIMEOUT", fallbackValue = "60s",
			description = "after publishing, wait until every instance of --app has applied the release, like "
					+ "kubectl rollout status; exits 6 as soon as one reports that it rejected it (default timeout: "
					+ "${FALLBACK-VALUE})")
	Duration wait;

	@Option(names = "--verify-timeout", paramLabel = "DURATION", defaultValue = "5s",
			description = "how long the running instances are given to evaluate the release before it is "
					+ "published; those that do not answer in time are listed (default: ${DEFAULT-VALUE})")
	Duration verifyTimeout;

	@Option(names = "--no-verify",
			description = "publish without first asking the running instances whether they would apply the release")
	boolean noVerify;

	/**
	 * Publish a plan through the release API's workflow: review and verify, confirm,
	 * publish, and follow the rollout with {@code --wait}.
	 * @param command the command, for its output and confirmation
	 * @param releases the releases
	 * @param plan the plan
	 * @param emptyAllowed whether a release that empties its layer may go ahead under
	 * {@code --yes}
	 * @return the exit code
	 */
	int publish(EtcdCliCommand command, EtcdReleases releases, EtcdReleasePlan plan, boolean emptyAllowed) {
		EtcdCliOutput output = command.output;
		EtcdCliReport report = new EtcdCliReport(output);
		EtcdReleaseWorkflow workflow = new EtcdReleaseWorkflow(releases);
		report.plan(plan);
		String author = author();
		EtcdReleaseReview review = workflow.review(plan, author,
				new EtcdVerifyOptions(!this.noVerify, this.verifyTimeout));
		if (!review.isPublishable()) {
			output.line("%s", review.notice());
			return EtcdConfigCli.OK;
		}
		report.verification(review.verification());
		if (review.isRejected()) {
			throw EtcdReleases.rejected(review.verification());
		}
		if (this.dryRun) {
			output.line("Dry run: nothing written.");
			return EtcdConfigCli.OK;
		}
		if (review.emptiesLayer() && this.yes && !emptyAllowed) {
			throw EtcdCliErrors.invalid("This release deletes every key of the layer; refusing under --yes. "
					+ "Pass --allow-empty if that is what you want.");
		}
		if (!this.yes && !command
			.confirm(review.emptiesLayer() ? "This deletes EVERY key of the layer. Publish?" : "Publish?")) {
			throw EtcdCliErrors.invalid("Not confirmed; nothing written.");
		}
		EtcdPublication published = workflow.publish(review, author, this.message);
		report.published(published.releases());
		if (this.wait == null) {
			return EtcdConfigCli.OK;
		}
		output.line("Waiting up to %s for %s to apply revision %d...", EtcdCliReport.duration(this.wait),
				(published.application() != null) ? published.application() : "every application",
				published.revision());
		return report.rollout(workflow.awaitRollout(published, this.wait));
	}

	/**
	 * Start a computed release as a staged rollout and drive it in the foreground: shown,
	 * confirmed (or {@code --yes}), started through the release API's workflow, then
	 * driven stage by stage, each printed, until it completes (exit 0), rolls back (exit
	 * 7, naming the instance and the cause) or is paused from elsewhere (exit 0). The
	 * running instances are not asked first: the subset is the check.
	 * @param command the command, for its output and confirmation
	 * @param releases the releases
	 * @param plan the plan, of an application's own layer
	 * @param options the stages and the bake
	 * @return the exit code
	 */
	int rollout(EtcdCliCommand command, EtcdReleases releases, EtcdReleasePlan plan, EtcdRolloutOptions options) {
		EtcdCliOutput output = command.output;
		EtcdCliReport report = new EtcdCliReport(output);
		EtcdReleaseWorkflow workflow = new EtcdReleaseWorkflow(releases);
		report.plan(plan);
		EtcdReleaseReview review = workflow.review(plan);
		if (!review.isPublishable()) {
			output.line("%s", review.notice());
			return EtcdConfigCli.OK;
		}
		String stages = String.join(" -> ", options.stages().stream().map(EtcdRolloutStage::text).toList());
		if (this.dryRun) {
			output.line("Dry run: nothing written. Stages: %s, bake %s each.", stages,
					EtcdCliReport.duration(options.bake()));
			return EtcdConfigCli.OK;
		}
		if (!this.yes && !command.confirm(
				"Start a staged rollout (" + stages + ", bake " + EtcdCliReport.duration(options.bake()) + " each)?")) {
			throw EtcdCliErrors.invalid("Not confirmed; nothing written.");
		}
		EtcdRolloutState state = workflow.startRollout(review, options, author(this.author), this.message);
		report.rolloutStarted(state);
		return report.rolloutResult(workflow.driveRollout(state.application(), report::rolloutStep));
	}

	private String author() {
		return author(this.author);
	}

	/**
	 * Who a command acts as: the name given, else {@code user@host}.
	 * @param given the name given, or {@code null}
	 * @return the name
	 */
	static String author(String given) {
		if (given != null) {
			return given;
		}
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			host = "localhost";
		}
		return System.getProperty("user.name") + "@" + host;
	}

}
