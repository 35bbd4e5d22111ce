package io.github.etcdconfig.cli;

import io.github.etcdconfig.release.EtcdLayer;
import io.github.etcdconfig.release.EtcdReleases;
import picocli.CommandLine.Option;

/**
 * The layer a command works on: the shared layer without {@code --app}, an application's
 * with it, and one of its profiles' with {@code --profile}.
 */
public class EtcdCliLayer {

	@Option(names = { "-a", "--app" }, paramLabel = "APP",
			description = "the application (spring.application.name); without it, the shared layer")
	String application;

	@Option(names = { "-p", "--profile" }, paramLabel = "PROFILE", description = "the profile's layer of --app")
	String profile;

	EtcdLayer layer(EtcdReleases releases) {
		return releases.layer(this.application, this.profile);
	}

}
