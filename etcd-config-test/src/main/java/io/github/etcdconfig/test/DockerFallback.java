package io.github.etcdconfig.test;

import org.testcontainers.DockerClientFactory;

/**
 * The only door to Testcontainers, an optional dependency: {@link EtcdCluster} calls it
 * only after finding no local etcd binary, so Testcontainers classes are never loaded on
 * machines that have one.
 */
final class DockerFallback {

	private DockerFallback() {
	}

	/** Whether Testcontainers is on the classpath and finds a Docker engine. */
	static boolean isDockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (NoClassDefFoundError e) {
			return false;
		}
	}

	/** Starts a single-member {@link EtcdContainer} and wraps it as a member. */
	static EtcdMember start() {
		EtcdContainer container = new EtcdContainer();
		container.start();
		return EtcdMember.inContainer("etcd0", container.clientEndpoint(), container, container::isRunning);
	}

}
