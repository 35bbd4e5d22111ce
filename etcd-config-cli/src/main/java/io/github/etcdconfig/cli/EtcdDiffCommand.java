package io.github.etcdconfig.cli;

import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleases;
import picocli.CommandLine.Command;

/**
 * {@code diff}: what a push would change, as diff(1) exits.
 */
@Command(name = "diff", sortOptions = false, mixinStandardHelpOptions = true,
		description = "Shows what pushing the files would change. Exits 0 when there is no difference and 1 when "
				+ "there is one, as diff(1) does.",
		footerHeading = "%nExample:%n", footer = "  etcd-config diff billing.yml --app billing --prune")
class EtcdDiffCommand extends EtcdCliFileCommand {

	@Override
	int run(EtcdReleases releases) {
		EtcdReleasePlan plan = plan(releases);
		new EtcdCliReport(this.output).plan(plan);
		return plan.isEmpty() ? EtcdConfigCli.OK : EtcdConfigCli.DIFFERENCES;
	}

}
