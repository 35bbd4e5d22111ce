package io.github.etcdconfig.cli;

import java.time.Duration;

import io.github.etcdconfig.release.EtcdReleases;
import io.github.etcdconfig.release.EtcdRolloutOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code push}: validate files, show the difference, ask, and publish it as one release.
 */
@Command(name = "push", sortOptions = false, mixinStandardHelpOptions = true,
		description = "Validates .yml, .yaml and .properties files as the applications read them, shows the "
				+ "difference against the layer, has the running instances of the application check it against their "
				+ "own beans (exit 6, nothing written, when one rejects it), asks, and writes it as one etcd "
				+ "transaction with its release record. The transaction fails, writing nothing, if any key of the "
				+ "layer changed since it was read.",
		footerHeading = "%nExamples:%n",
		footer = { "  etcd-config push billing.yml --app billing --message \"raise the rate limit\"",
				"  etcd-config push canary.yml --app billing --profile canary --yes --wait=2m",
				"  etcd-config push all.yml --app billing --prune --dry-run",
				"  etcd-config push billing.yml --app billing --canary 10%% --steps 50%%,100%% --bake 60s" })
class EtcdPushCommand extends EtcdCliFileCommand {

	@Mixin
	EtcdCliPublish publish;

	@Option(names = "--allow-empty",
			description = "with --prune and --yes, allow a release that deletes every key " + "of the layer")
	boolean allowEmpty;

	@Option(names = "--canary", paramLabel = "SELECTOR",
			description = "start a staged rollout: the release goes first to these running instances only: a share "
					+ "(10%%), a count (2), instance ids (a,b) or registry metadata (zone=a); then the --steps, and "
					+ "100%%. Rolls back by itself (exit 7) when one of them rejects it, turns unhealthy, reports DOWN, "
					+ "leaves the registry or does not apply a stage within --apply-timeout")
	String canary;

	@Option(names = "--steps", paramLabel = "STAGES",
			description = "with --canary: the stages after it, such as 10%%,50%%,100%% (100%% is added when missing)")
	String steps;

	@Option(names = "--bake", paramLabel = "DURATION",
			description = "with --canary: how long each stage's instances must stay healthy with the release before "
					+ "the next (default: 60s)")
	Duration bake;

	@Option(names = "--apply-timeout", paramLabel = "DURATION",
			description = "with --canary: how long each stage's instances are given to apply it before the rollout "
					+ "rolls back naming those that did not (default: 2m)")
	Duration applyTimeout;

	@Override
	int run(EtcdReleases releases) {
		if (this.canary == null && this.steps == null) {
			if (this.bake != null) {
				throw EtcdCliErrors.invalid("--bake applies to a staged rollout: give --canary too");
			}
			if (this.applyTimeout != null) {
				throw EtcdCliErrors.invalid("--apply-timeout applies to a staged rollout: give --canary too");
			}
			return this.publish.publish(this, releases, plan(releases), this.allowEmpty);
		}
		EtcdRolloutOptions options = EtcdRolloutOptions.of(this.canary, this.steps, this.bake, this.applyTimeout);
		return this.publish.rollout(this, releases, plan(releases), options);
	}

}
