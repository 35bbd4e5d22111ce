package io.github.etcdconfig.cli;

import java.nio.file.Path;
import java.util.List;

import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleases;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code diff}: what a push would change, as diff(1) exits.
 */
@Command(name = "diff", sortOptions = false, mixinStandardHelpOptions = true,
		description = "Shows what pushing the files would change. Exits 0 when there is no difference and 1 when "
				+ "there is one, as diff(1) does.",
		footerHeading = "%nExample:%n", footer = "  etcd-config diff billing.yml --app billing --prune")
class EtcdDiffCommand extends EtcdCliCommand {

	@Parameters(paramLabel = "FILE", arity = "1..*", description = "the files; a property of a later file wins")
	List<Path> files;

	@Mixin
	EtcdCliLayer layer;

	@Mixin
	EtcdCliFiles fileOptions;

	@Override
	int run(EtcdReleases releases) {
		EtcdReleasePlan plan = this.fileOptions.plan(releases, this.layer.layer(releases), this.files);
		new EtcdCliReport(this.output).plan(releases, plan);
		return plan.isEmpty() ? EtcdConfigCli.OK : EtcdConfigCli.DIFFERENCES;
	}

}
