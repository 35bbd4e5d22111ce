package io.github.etcdconfig.cli;

import io.github.etcdconfig.release.EtcdConfigView;
import io.github.etcdconfig.release.EtcdReleases;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code get}: the properties an application would see.
 */
@Command(name = "get", sortOptions = false, mixinStandardHelpOptions = true,
		description = "Shows the properties an instance of the application, started with the profile, would see: "
				+ "every layer resolved, each property with its etcd key and revision. Values whose names look "
				+ "sensitive stay masked unless --show-values.",
		footerHeading = "%nExamples:%n",
		footer = { "  etcd-config get --app billing --profile prod", "  etcd-config get database.host --app billing" })
class EtcdGetCommand extends EtcdCliCommand {

	@Parameters(paramLabel = "NAME", arity = "0..1", description = "one property")
	String name;

	@Mixin
	EtcdCliLayer layer;

	@Override
	int run(EtcdReleases releases) {
		EtcdConfigView view = releases.effective(this.layer.layer(releases));
		if (this.name != null) {
			view = new EtcdConfigView(view.layer(), view.revision(),
					view.properties().stream().filter((property) -> property.name().equals(this.name)).toList(),
					view.problems());
			if (view.properties().isEmpty()) {
				this.output.note("%s is not set in etcd for %s", this.name, view.layer());
			}
		}
		new EtcdCliReport(this.output).view(view);
		return EtcdConfigCli.OK;
	}

}
