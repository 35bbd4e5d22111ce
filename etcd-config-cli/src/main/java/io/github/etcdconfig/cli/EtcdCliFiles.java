package io.github.etcdconfig.cli;

import java.nio.file.Path;
import java.util.List;

import io.github.etcdconfig.release.EtcdConfigFile;
import io.github.etcdconfig.release.EtcdLayer;
import io.github.etcdconfig.release.EtcdPushOptions;
import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleases;
import picocli.CommandLine.Option;

/**
 * How files become keys, for {@code push} and {@code diff}.
 */
public class EtcdCliFiles {

	@Option(names = "--prune", description = "delete the layer's keys that the files do not hold (never a key of "
			+ "another layer)")
	boolean prune;

	@Option(names = "--document", paramLabel = "NAME",
			description = "keep the one file as it is in one document key of the layer, such as application.yml: "
					+ "atomic at any size up to etcd's request limit")
	String document;

	EtcdReleasePlan plan(EtcdReleases releases, EtcdLayer layer, List<Path> files) {
		return releases.planPush(layer, files.stream().map(EtcdConfigFile::read).toList(),
				new EtcdPushOptions(this.prune, this.document));
	}

}
