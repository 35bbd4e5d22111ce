package io.github.etcdconfig.cli;

import io.github.etcdconfig.release.EtcdReleases;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code promote}: end a gray release.
 */
@Command(name = "promote", sortOptions = false, mixinStandardHelpOptions = true,
		description = "Ends a gray release: instances started with the profile already see its layer; promote moves "
				+ "every key of that layer into the application's layer and empties it, in one transaction. "
				+ "The running instances check it first, as for push (exit 6, nothing written, when one rejects it).",
		footerHeading = "%nExample:%n",
		footer = "  etcd-config promote --app billing --from-profile canary --message \"canary is fine\"")
class EtcdPromoteCommand extends EtcdCliCommand {

	@Option(names = { "-a", "--app" }, required = true, paramLabel = "APP", description = "the application")
	String application;

	@Option(names = "--from-profile", required = true, paramLabel = "PROFILE",
			description = "the profile whose layer is promoted, such as canary")
	String profile;

	@Mixin
	EtcdCliPublish publish;

	@Override
	int run(EtcdReleases releases) {
		return this.publish.publish(this, releases, releases.planPromote(this.application, this.profile), true);
	}

}
