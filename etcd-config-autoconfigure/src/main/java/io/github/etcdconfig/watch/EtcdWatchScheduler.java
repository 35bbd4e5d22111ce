package io.github.etcdconfig.watch;

/**
 * Runs a task on a watcher's applier thread, the one thread that holds its state.
 */
@FunctionalInterface
interface EtcdWatchScheduler {

	/**
	 * Run a task on the applier thread.
	 * @param task the task
	 * @param delayNanos the delay; 0 queues the task behind what is already waiting
	 * @return cancels the task if it has not run yet, so that the applier thread does not
	 * wake up for it
	 */
	Runnable schedule(Runnable task, long delayNanos);

}
