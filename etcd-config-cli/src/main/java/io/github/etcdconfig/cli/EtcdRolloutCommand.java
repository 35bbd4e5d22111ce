package io.github.etcdconfig.cli;

import java.util.Optional;

import io.github.etcdconfig.release.EtcdRelease;
import io.github.etcdconfig.release.EtcdReleaseWorkflow;
import io.github.etcdconfig.release.EtcdReleases;
import io.github.etcdconfig.release.EtcdRolloutState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rollout status|pause|resume|abort}: see and control an application's staged
 * rollout, which lives in etcd whoever started it.
 */
@Command(name = "rollout", sortOptions = false, mixinStandardHelpOptions = true,
		description = "Shows or controls the staged rollout of an application (started with push --canary): status "
				+ "shows its stages, when each was reached, its subset and how each instance stands; pause stops it at "
				+ "its stage (its instances keep the values); resume drives it on in the foreground to its end, also "
				+ "after the command line that drove it was killed (exit 0 when it completes, 7 when it rolls back); "
				+ "abort removes its values from every instance in one transaction.",
		footerHeading = "%nExamples:%n",
		footer = { "  etcd-config rollout status --app billing", "  etcd-config rollout resume --app billing" })
class EtcdRolloutCommand extends EtcdCliCommand {

	/**
	 * What to do with the rollout.
	 */
	enum Action {

		/** Show it. */
		STATUS,

		/** Stop it at its stage. */
		PAUSE,

		/** Drive it on to its end. */
		RESUME,

		/** Remove its values. */
		ABORT

	}

	@Parameters(index = "0", paramLabel = "ACTION", description = "status, pause, resume or abort")
	Action action;

	@Option(names = { "-a", "--app" }, required = true, paramLabel = "APP", description = "the application")
	String application;

	@Option(names = "--author", paramLabel = "NAME",
			description = "who pauses, resumes or aborts: kept in the rollout's state and record (default: user@host)")
	String author;

	@Override
	int run(EtcdReleases releases) {
		EtcdCliReport report = new EtcdCliReport(this.output);
		String by = EtcdCliPublish.author(this.author);
		switch (this.action) {
			case STATUS -> {
				Optional<EtcdRolloutState> state = releases.rollout(this.application);
				if (state.isEmpty()) {
					this.output.line("%s has never had a staged rollout.", this.application);
					return EtcdConfigCli.OK;
				}
				report.rolloutStatus(state.get(), releases.instances(this.application));
				return EtcdConfigCli.OK;
			}
			case PAUSE -> {
				EtcdRolloutState paused = releases.pauseRollout(this.application, by);
				report.rolloutState(paused);
				this.output.line("Paused: its instances keep the values; 'rollout resume --app %s' drives it on.",
						this.application);
				return EtcdConfigCli.OK;
			}
			case RESUME -> {
				return report.rolloutResult(
						new EtcdReleaseWorkflow(releases).resumeRollout(this.application, by, report::rolloutStep));
			}
			default -> {
				EtcdRelease aborted = releases.abortRollout(this.application, by);
				report.rolloutState(aborted.rollout());
				this.output.line("Aborted: its values were removed at revision %d (release %d of %s).",
						aborted.revision(), aborted.id(), aborted.layer());
				return EtcdConfigCli.OK;
			}
		}
	}

}
