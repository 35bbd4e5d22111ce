package io.github.etcdconfig.client;

import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Makes a jetcd client's connection try again now, rather than when gRPC's reconnect
 * backoff says.
 *
 * <p>
 * Once etcd has been unreachable for a while, gRPC waits longer and longer between
 * connection attempts: 1 s, then 1.6 times more each time, up to 2 minutes. An
 * application would then stay on stale values for up to two minutes after etcd is back,
 * however often it asked, since its calls only wait for the channel. Resetting that
 * backoff costs one connection attempt, so the watcher does it at its own, short and
 * jittered, pace while etcd is away.
 *
 * <p>
 * jetcd keeps its gRPC channel to itself; this reaches it through jetcd's internals
 * ({@link EtcdClientInternals}). When they change, or the client is not jetcd's own,
 * {@link #connectNow()} does nothing and gRPC's backoff applies.
 */
public final class EtcdConnectivity {

	private static final Log logger = LogFactory.getLog(EtcdConnectivity.class);

	private final Client client;

	private volatile ManagedChannel channel;

	private volatile boolean unavailable;

	public EtcdConnectivity(Client client) {
		this.client = client;
	}

	/**
	 * Ask the channel to connect at once when it is waiting between connection attempts;
	 * a connected or connecting channel is left alone.
	 */
	public void connectNow() {
		ManagedChannel channel = channel();
		if (channel != null) {
			channel.resetConnectBackoff();
		}
	}

	private ManagedChannel channel() {
		ManagedChannel channel = this.channel;
		if (channel == null && !this.unavailable) {
			try {
				channel = EtcdClientInternals.of(this.client).channel();
				this.channel = channel;
			}
			catch (ReflectiveOperationException ex) {
				this.unavailable = true;
				logger.debug("Cannot reach the gRPC channel of " + this.client.getClass().getName()
						+ "; reconnects follow gRPC's own backoff", ex);
			}
		}
		return channel;
	}

}
