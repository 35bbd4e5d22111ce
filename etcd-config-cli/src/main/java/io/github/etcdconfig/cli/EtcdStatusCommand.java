package io.github.etcdconfig.cli;

import java.time.Duration;

import io.github.etcdconfig.release.EtcdReleases;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code status}: which instances have applied which configuration.
 */
@Command(name = "status", sortOptions = false, mixinStandardHelpOptions = true,
		description = "Lists every registered instance of the application (etcd-discovery) with the configuration "
				+ "revision it has applied, its watch state, and REJECTED with the properties when it refused to "
				+ "apply a revision (a property would not bind, validate or resolve: it keeps its old values). With "
				+ "--wait, returns 0 once every instance has applied the revision, exits 6 as soon as one reports "
				+ "that it rejected it, naming the instance and the properties, and on timeout exits 4 naming "
				+ "those that have not applied it.",
		footerHeading = "%nExample:%n", footer = "  etcd-config status --app billing --wait 1042 --timeout 2m")
class EtcdStatusCommand extends EtcdCliCommand {

	@Option(names = { "-a", "--app" }, paramLabel = "APP", description = "the application; without it, every one")
	String application;

	@Option(names = "--wait", paramLabel = "REVISION", description = "wait until every instance has applied it")
	Long revision;

	@Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s",
			description = "how long --wait waits (default: ${DEFAULT-VALUE})")
	Duration timeout;

	@Override
	int run(EtcdReleases releases) {
		EtcdCliReport report = new EtcdCliReport(this.output);
		if (this.revision == null) {
			report.instances(releases.instances(this.application), null);
			return EtcdConfigCli.OK;
		}
		return report.rollout(releases.awaitRevision(this.application, this.revision, this.timeout));
	}

}
