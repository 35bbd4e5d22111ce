package io.github.etcdconfig.release;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.github.etcdconfig.client.EtcdBytes;
import io.github.etcdconfig.discovery.EtcdConfigStatus;
import io.github.etcdconfig.discovery.EtcdInstanceFormat;
import io.github.etcdconfig.discovery.EtcdServiceInstance;

/**
 * Reads the registry that {@code etcd-discovery} writes, with its own reader of the entry
 * format, and waits for instances to apply a revision.
 */
final class EtcdInstances {

	private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

	private final KV kv;

	private final String prefix;

	private final Duration timeout;

	private final EtcdInstanceFormat format = new EtcdInstanceFormat();

	EtcdInstances(KV kv, String prefix, Duration timeout) {
		this.kv = kv;
		this.prefix = prefix;
		this.timeout = timeout;
	}

	/**
	 * The instances of an application, or of every application, by service and instance
	 * id.
	 */
	List<EtcdInstanceStatus> list(String application) {
		String folder = (application != null) ? this.prefix + application + "/" : this.prefix;
		List<EtcdInstanceStatus> instances = new ArrayList<>();
		for (KeyValue kv : EtcdReleaseCalls.await(
				this.kv.get(EtcdBytes.of(folder),
						GetOption.builder().isPrefix(true).withSortField(GetOption.SortTarget.KEY).build()),
				this.timeout, "Reading the registry " + folder)
			.getKvs()) {
			String path = kv.getKey().toString(StandardCharsets.UTF_8).substring(this.prefix.length());
			int slash = path.indexOf('/');
			if (slash > 0 && slash < path.length() - 1) {
				instances.add(read(path.substring(0, slash), path.substring(slash + 1), kv.getValue().getBytes()));
			}
		}
		return instances;
	}

	private EtcdInstanceStatus read(String service, String id, byte[] value) {
		try {
			EtcdServiceInstance instance = this.format.read(service, id, value);
			EtcdConfigStatus config = this.format.readConfigStatus(value);
			return new EtcdInstanceStatus(service, id, instance.getUri().toString(), instance.getStatus(),
					(config != null) ? config.revision() : null, (config != null) ? config.stale() : null,
					(config != null) ? config.state() : null, null, instance.getMetadata());
		}
		catch (IllegalArgumentException ex) {
			return new EtcdInstanceStatus(service, id, null, null, null, null, null,
					"the entry cannot be read: " + ex.getMessage(), null);
		}
	}

	/**
	 * Wait until every instance that reports its configuration has applied a revision.
	 * @param application the application, or {@code null} for every application
	 * @param revision the revision
	 * @param wait how long to wait
	 * @return who has applied it, complete or not
	 */
	EtcdRollout await(String application, long revision, Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		Map<String, EtcdInstanceStatus> seen = new LinkedHashMap<>();
		while (true) {
			List<EtcdInstanceStatus> instances = list(application);
			instances.forEach((instance) -> seen.put(instance.toString(), instance));
			List<EtcdInstanceStatus> gone = new ArrayList<>(seen.values());
			gone.removeIf(
					(instance) -> instances.stream().anyMatch((now) -> now.toString().equals(instance.toString())));
			EtcdRollout rollout = new EtcdRollout(application, revision, false, instances, gone);
			boolean complete = rollout.pending().isEmpty();
			long left = deadline - System.nanoTime();
			if (complete || left <= 0) {
				return new EtcdRollout(application, revision, complete, instances, gone);
			}
			sleep(Math.min(left, POLL_INTERVAL.toNanos()));
		}
	}

	private static void sleep(long nanos) {
		try {
			Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new EtcdReleaseException(EtcdReleaseException.Reason.UNAVAILABLE, "The wait was interrupted", ex);
		}
	}

}
