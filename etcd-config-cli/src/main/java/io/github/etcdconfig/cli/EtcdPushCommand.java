package io.github.etcdconfig.cli;

import io.github.etcdconfig.release.EtcdReleases;
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
				"  etcd-config push all.yml --app billing --prune --dry-run" })
class EtcdPushCommand extends EtcdCliFileCommand {

	@Mixin
	EtcdCliPublish publish;

	@Option(names = "--allow-empty",
			description = "with --prune and --yes, allow a release that deletes every key " + "of the layer")
	boolean allowEmpty;

	@Override
	int run(EtcdReleases releases) {
		return this.publish.publish(this, releases, plan(releases), this.allowEmpty);
	}

}
