package io.github.etcdconfig.cli;

import io.github.etcdconfig.release.EtcdReleases;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code abandon}: end a gray release without promoting it.
 */
@Command(name = "abandon", sortOptions = false, mixinStandardHelpOptions = true,
		description = "Ends a gray release without promoting it: deletes every key of the profile's layer in one "
				+ "transaction, recorded as an abandon release, so the profile's instances go back to the "
				+ "application's values. Roll it back to bring the gray values back.",
		footerHeading = "%nExample:%n",
		footer = "  etcd-config abandon --app billing --profile canary --message \"canary errors\"")
class EtcdAbandonCommand extends EtcdCliCommand {

	@Option(names = { "-a", "--app" }, required = true, paramLabel = "APP", description = "the application")
	String application;

	@Option(names = { "-p", "--profile" }, required = true, paramLabel = "PROFILE",
			description = "the profile whose layer is emptied, such as canary")
	String profile;

	@Mixin
	EtcdCliPublish publish;

	@Override
	int run(EtcdReleases releases) {
		return this.publish.publish(this, releases, releases.planAbandon(this.application, this.profile), true);
	}

}
