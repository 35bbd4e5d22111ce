package io.github.etcdconfig.watch;

import java.time.Duration;

/**
 * How a watch follows etcd: pacing under a flood of changes, the liveness check and the
 * waits while etcd does not answer. Bound under {@code etcd.config.watch}; discovery
 * watches its registry with the defaults.
 */
public class EtcdWatchProperties {

	/**
	 * Whether to watch etcd and apply changes to the running application.
	 */
	private boolean enabled = true;

	/**
	 * While the application is flooded with changes (see flood-threshold), changes are
	 * applied together at most once per this window, so a burst of puts makes a bounded
	 * number of refreshes. A change that finds the application idle applies at once.
	 */
	private Duration coalesceWindow = Duration.ofMillis(10);

	/**
	 * Refreshes during which new changes arrived, or for which several watch responses
	 * had queued up, that, within as many coalesce windows, make the application count as
	 * flooded: changes are then coalesced over coalesce-window, until a window passes
	 * with one change or none. A writer that waits for each change to be seen never
	 * floods the application.
	 */
	private int floodThreshold = 3;

	/**
	 * Mean interval of the check that compares etcd's revision with the applied one and
	 * resyncs a watch that went silent. Each wait is spread by up to half of it either
	 * way, so that instances do not check together.
	 */
	private Duration checkInterval = Duration.ofSeconds(30);

	/**
	 * First wait before a broken watch, a failed read or an unanswered check is tried
	 * again; doubles up to max-retry-delay. Each wait is jittered between half and all of
	 * it.
	 */
	private Duration retryDelay = Duration.ofMillis(100);

	/**
	 * Longest wait between two attempts while etcd does not answer: etcd's return is
	 * noticed within it, however long the outage. Each attempt costs etcd one connection
	 * attempt at most.
	 */
	private Duration maxRetryDelay = Duration.ofMillis(500);

	/**
	 * Whether the watches of one etcd client share one gRPC watch stream, so that etcd
	 * holds one stream per application rather than one per watched range. Off, each watch
	 * opens its own stream, as jetcd does. Either way a client whose gRPC channel cannot
	 * be reached (another jetcd version) opens a stream per watch.
	 */
	private boolean sharedStream = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getCoalesceWindow() {
		return this.coalesceWindow;
	}

	public void setCoalesceWindow(Duration coalesceWindow) {
		this.coalesceWindow = coalesceWindow;
	}

	public int getFloodThreshold() {
		return this.floodThreshold;
	}

	public void setFloodThreshold(int floodThreshold) {
		this.floodThreshold = floodThreshold;
	}

	public Duration getCheckInterval() {
		return this.checkInterval;
	}

	public void setCheckInterval(Duration checkInterval) {
		this.checkInterval = checkInterval;
	}

	public Duration getRetryDelay() {
		return this.retryDelay;
	}

	public void setRetryDelay(Duration retryDelay) {
		this.retryDelay = retryDelay;
	}

	public Duration getMaxRetryDelay() {
		return this.maxRetryDelay;
	}

	public void setMaxRetryDelay(Duration maxRetryDelay) {
		this.maxRetryDelay = maxRetryDelay;
	}

	public boolean isSharedStream() {
		return this.sharedStream;
	}

	public void setSharedStream(boolean sharedStream) {
		this.sharedStream = sharedStream;
	}

}
