package io.github.etcdconfig.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

import io.github.etcdconfig.release.EtcdRelease;
import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleases;
import picocli.CommandLine.Option;

/**
 * How a computed release is published: shown, checked against the transaction limit,
 * confirmed, written, and optionally waited for until every instance has applied it.
 */
public class EtcdCliPublish {

	@Option(names = { "-m", "--message" }, paramLabel = "TEXT", description = "why: kept in the release record")
	String message;

	@Option(names = "--author", paramLabel = "NAME",
			description = "who: kept in the release record (default: " + "user@host)")
	String author;

	@Option(names = { "-y", "--yes" }, description = "publish without asking")
	boolean yes;

	@Option(names = "--dry-run", description = "show the difference only; write nothing")
	boolean dryRun;

	@Option(names = "--wait", arity = "0..1", paramLabel = "TIMEOUT", fallbackValue = "60s",
			description = "after publishing, wait until every instance of --app has applied the release, like "
					+ "kubectl rollout status (default timeout: ${FALLBACK-VALUE})")
	Duration wait;

	/**
	 * Publish a plan.
	 * @param command the command, for its output and confirmation
	 * @param releases the releases
	 * @param plan the plan
	 * @param application whose instances to wait for, or {@code null} for every
	 * application
	 * @param emptyAllowed whether a release that empties its layer may go ahead under
	 * {@code --yes}
	 * @return the exit code
	 */
	int publish(EtcdCliCommand command, EtcdReleases releases, EtcdReleasePlan plan, String application,
			boolean emptyAllowed) {
		EtcdCliOutput output = command.output;
		EtcdCliReport report = new EtcdCliReport(output);
		report.plan(releases, plan);
		if (plan.isEmpty()) {
			output.line("Nothing to release: etcd already holds these values.");
			return EtcdConfigCli.OK;
		}
		releases.checkSize(plan);
		if (this.dryRun) {
			output.line("Dry run: nothing written.");
			return EtcdConfigCli.OK;
		}
		boolean empties = plan.layers().stream().anyMatch((layer) -> layer.emptiesLayer());
		if (empties && this.yes && !emptyAllowed) {
			throw EtcdCliErrors.invalid("This release deletes every key of the layer; refusing under --yes. "
					+ "Pass --allow-empty if that is what you want.");
		}
		if (!this.yes && !command.confirm(empties ? "This deletes EVERY key of the layer. Publish?" : "Publish?")) {
			throw EtcdCliErrors.invalid("Not confirmed; nothing written.");
		}
		List<EtcdRelease> published = releases.publish(plan, author(), this.message);
		report.published(published);
		if (this.wait == null) {
			return EtcdConfigCli.OK;
		}
		output.line("Waiting up to %s for %s to apply revision %d...", EtcdCliReport.duration(this.wait),
				(application != null) ? application : "every application", published.get(0).revision());
		return report.rollout(releases.awaitRevision(application, published.get(0).revision(), this.wait));
	}

	private String author() {
		if (this.author != null) {
			return this.author;
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
