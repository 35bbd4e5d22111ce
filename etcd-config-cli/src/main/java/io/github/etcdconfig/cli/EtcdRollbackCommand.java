package io.github.etcdconfig.cli;

import io.github.etcdconfig.release.EtcdReleases;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rollback}: bring a layer back to how it was at a release.
 */
@Command(name = "rollback", sortOptions = false, mixinStandardHelpOptions = true,
		description = "Brings the layer back to how it was right after a release, in one transaction, from the "
				+ "release records (so it works after etcd compacted its history). It is recorded as a new release. "
				+ "The running instances check it first, as for push (exit 6, nothing written, when one rejects it).",
		footerHeading = "%nExample:%n", footer = "  etcd-config rollback --app billing --to 41 --message \"undo 42\"")
class EtcdRollbackCommand extends EtcdCliCommand {

	@Mixin
	EtcdCliLayer layer;

	@Option(names = "--to", required = true, paramLabel = "RELEASE",
			description = "the release to go back to; 0 for the layer before its first release")
	long to;

	@Mixin
	EtcdCliPublish publish;

	@Override
	int run(EtcdReleases releases) {
		return this.publish.publish(this, releases, releases.planRollback(this.layer.layer(releases), this.to), true);
	}

}
