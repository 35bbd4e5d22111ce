package io.github.etcdconfig.cli;

import io.github.etcdconfig.release.EtcdLayer;
import io.github.etcdconfig.release.EtcdReleases;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code history}: the releases of a layer, or one property's past values.
 */
@Command(name = "history", sortOptions = false, mixinStandardHelpOptions = true,
		description = "Lists the releases of the layer, newest first: id, revision, time, author, the keys added, "
				+ "changed and removed, and the message. With NAME, that property's past values.",
		footerHeading = "%nExamples:%n", footer = { "  etcd-config history --app billing --limit 10",
				"  etcd-config history --app billing api.rate-limit" })
class EtcdHistoryCommand extends EtcdCliCommand {

	@Parameters(paramLabel = "NAME", arity = "0..1", description = "one property")
	String name;

	@Mixin
	EtcdCliLayer layer;

	@Option(names = { "-n", "--limit" }, paramLabel = "N", defaultValue = "20",
			description = "the most releases to show or look through (default: ${DEFAULT-VALUE})")
	int limit;

	@Override
	int run(EtcdReleases releases) {
		EtcdLayer chosen = this.layer.layer(releases);
		EtcdCliReport report = new EtcdCliReport(this.output);
		if (this.name != null) {
			report.propertyHistory(this.name, releases.propertyHistory(chosen, this.name, this.limit));
		}
		else {
			report.history(releases.history(chosen, this.limit));
		}
		return EtcdConfigCli.OK;
	}

}
