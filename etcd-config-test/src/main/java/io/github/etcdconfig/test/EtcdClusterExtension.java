package io.github.etcdconfig.test;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs an {@link EtcdCluster} for the tests of one class:
 *
 * <pre>{@code
 * &#64;RegisterExtension
 * static EtcdClusterExtension etcd = new EtcdClusterExtension(EtcdCluster.builder().members(3));
 * }</pre>
 *
 * <p>
 * The cluster starts before all tests and is closed after them; {@code @Nested} classes
 * share it. When the cluster cannot run here (no local etcd binary and no Docker engine,
 * or a configuration that needs the binary), the tests are aborted, not failed, with a
 * message that says how to install etcd.
 */
public final class EtcdClusterExtension implements BeforeAllCallback, AfterAllCallback {

	private final EtcdCluster cluster;

	private int depth;

	/** A single plain member. */
	public EtcdClusterExtension() {
		this(EtcdCluster.builder());
	}

	/** A cluster configured by {@code builder}. */
	public EtcdClusterExtension(EtcdCluster.Builder builder) {
		this.cluster = builder.build();
	}

	/** The cluster; started while the tests of the class run. */
	public EtcdCluster cluster() {
		return cluster;
	}

	@Override
	public synchronized void beforeAll(ExtensionContext context) {
		// nested test classes run beforeAll again; the outermost class owns the cluster
		if (depth++ > 0) {
			return;
		}
		String reason = cluster.unavailableReason();
		Assumptions.assumeTrue(reason == null, () -> "etcd tests skipped: " + reason);
		cluster.start();
	}

	@Override
	public synchronized void afterAll(ExtensionContext context) {
		if (--depth == 0) {
			cluster.close();
		}
	}

}
