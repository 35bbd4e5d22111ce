package io.github.etcdconfig.cli;

import io.github.etcdconfig.release.EtcdReleaseException;

/**
 * The exit code of each reason a command did nothing, and the errors of the command line
 * itself.
 */
final class EtcdCliErrors {

	private EtcdCliErrors() {
	}

	static EtcdReleaseException invalid(String message) {
		return new EtcdReleaseException(EtcdReleaseException.Reason.INVALID, message);
	}

	static int exitCode(EtcdReleaseException.Reason reason) {
		return switch (reason) {
			case INVALID -> EtcdConfigCli.INVALID;
			case CONFLICT -> EtcdConfigCli.CONFLICT;
			case UNAVAILABLE, DENIED -> EtcdConfigCli.UNAVAILABLE;
			case REJECTED -> EtcdConfigCli.REJECTED;
		};
	}

}
