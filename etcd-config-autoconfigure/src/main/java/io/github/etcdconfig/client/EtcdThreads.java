package io.github.etcdconfig.client;

import java.util.concurrent.ThreadFactory;

/**
 * The threads the starter starts for its own work (applying watch events, heartbeats,
 * registrations, snapshot writes): named, so a thread dump tells them apart, and daemons,
 * so they never keep a JVM alive.
 */
public final class EtcdThreads {

	private EtcdThreads() {
	}

	/**
	 * A factory of daemon threads with one name, for a single-threaded executor.
	 * @param name the name of every thread it makes
	 * @return the factory
	 */
	public static ThreadFactory daemon(String name) {
		return (task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		};
	}

}
