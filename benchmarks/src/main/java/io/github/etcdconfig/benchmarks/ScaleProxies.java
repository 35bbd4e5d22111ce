package io.github.etcdconfig.benchmarks;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdGrpcProxy;

/**
 * etcd's gRPC proxies in front of a cluster, started by the test module's launcher
 * ({@link EtcdGrpcProxy}, which starts each on another port when its first was taken):
 * each holds one client to the cluster and merges the watchers of its clients that watch
 * the same range from a compatible revision into one watcher.
 */
final class ScaleProxies implements AutoCloseable {

	private final List<EtcdGrpcProxy> proxies = new ArrayList<>();

	private ScaleProxies() {
	}

	/**
	 * Start proxies and wait until each answers.
	 * @param count how many, none for a cell without proxies
	 * @param cluster the cluster behind them
	 * @return the proxies
	 */
	static ScaleProxies start(int count, EtcdCluster cluster) {
		ScaleProxies started = new ScaleProxies();
		try {
			for (int i = 0; i < count; i++) {
				started.proxies.add(EtcdGrpcProxy.start(cluster));
			}
			return started;
		}
		catch (RuntimeException ex) {
			try {
				started.close();
			}
			catch (RuntimeException closeFailure) {
				ex.addSuppressed(closeFailure);
			}
			throw ex;
		}
	}

	boolean isEmpty() {
		return this.proxies.isEmpty();
	}

	String endpointsProperty() {
		return this.proxies.stream().map(EtcdGrpcProxy::endpoint).map(URI::toString).collect(Collectors.joining(","));
	}

	List<Long> pids() {
		return this.proxies.stream().map(EtcdGrpcProxy::pid).toList();
	}

	/**
	 * Stop every proxy, even when stopping one of them failed.
	 */
	@Override
	public void close() {
		RuntimeException failure = null;
		for (EtcdGrpcProxy proxy : this.proxies) {
			try {
				proxy.close();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

}
