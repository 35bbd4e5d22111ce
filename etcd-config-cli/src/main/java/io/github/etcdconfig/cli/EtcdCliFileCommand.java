package io.github.etcdconfig.cli;

import java.nio.file.Path;
import java.util.List;

import io.github.etcdconfig.release.EtcdConfigFile;
import io.github.etcdconfig.release.EtcdPushOptions;
import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleases;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A command on files: {@code push} and {@code diff} read them into a release of a layer
 * the same way.
 */
abstract class EtcdCliFileCommand extends EtcdCliCommand {

	@Parameters(paramLabel = "FILE", arity = "1..*", description = "the files; a property of a later file wins")
	List<Path> files;

	@Mixin
	EtcdCliLayer layer;

	@Option(names = "--prune",
			description = "delete the layer's keys that the files do not hold (never a key of " + "another layer)")
	boolean prune;

	@Option(names = "--document", paramLabel = "NAME",
			description = "keep the one file as it is in one document key of the layer, such as application.yml: "
					+ "atomic at any size up to etcd's request limit")
	String document;

	EtcdReleasePlan plan(EtcdReleases releases) {
		return releases.planPush(this.layer.layer(releases), this.files.stream().map(EtcdConfigFile::read).toList(),
				new EtcdPushOptions(this.prune, this.document));
	}

}
