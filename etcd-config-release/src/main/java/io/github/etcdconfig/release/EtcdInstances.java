package io.github.etcdconfig.release;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.github.etcdconfig.client.EtcdBytes;
import io.github.etcdconfig.discovery.EtcdConfigStatus;
import io.github.etcdconfig.discovery.EtcdInstanceFormat;
import io.github.etcdconfig.discovery.EtcdServiceInstance;

/**
 * Reads the registry that {@code etcd-discovery} writes, with its own reader of the entry
 * format, and waits for instances to apply a revision or to answer a proposal.
 *
 * <p>
 * A wait reads the registry again whenever a watch of it reports a change, and at least
 * every 200 ms, so it ends soon after the instance that ends it writes its registration;
 * the watch only wakes it (a jetcd callback does nothing else), and the reading does not
 * depend on it, so a registry the user may read but not watch is still read.
 */
final class EtcdInstances {

	private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

	private final KV kv;

	private final Watch watch;

	private final String prefix;

	private final Duration timeout;

	private final EtcdInstanceFormat format = new EtcdInstanceFormat();

	EtcdInstances(KV kv, Watch watch, String prefix, Duration timeout) {
		this.kv = kv;
		this.watch = watch;
		this.prefix = prefix;
		this.timeout = timeout;
	}

	/**
	 * The instances of an application, or of every application, by service and instance
	 * id.
	 */
	List<EtcdInstanceStatus> list(String application) {
		return read(application).instances();
	}

	/**
	 * The instances of an application, and the revision they were read at, from which a
	 * watch of the registry misses nothing.
	 */
	Registry read(String application) {
		String folder = folder(application);
		List<EtcdInstanceStatus> instances = new ArrayList<>();
		GetResponse response = EtcdReleaseCalls.await(
				this.kv.get(EtcdBytes.of(folder),
						GetOption.builder().isPrefix(true).withSortField(GetOption.SortTarget.KEY).build()),
				this.timeout, "Reading the registry " + folder);
		for (KeyValue kv : response.getKvs()) {
			String path = kv.getKey().toString(StandardCharsets.UTF_8).substring(this.prefix.length());
			int slash = path.indexOf('/');
			if (slash > 0 && slash < path.length() - 1) {
				instances.add(read(path.substring(0, slash), path.substring(slash + 1), kv.getValue().getBytes(),
						kv.getLease()));
			}
		}
		return new Registry(response.getHeader().getRevision(), instances);
	}

	/**
	 * The registry as read.
	 *
	 * @param revision the revision of the read
	 * @param instances the instances
	 */
	record Registry(long revision, List<EtcdInstanceStatus> instances) {

	}

	String folder(String application) {
		return (application != null) ? this.prefix + application + "/" : this.prefix;
	}

	private EtcdInstanceStatus read(String service, String id, byte[] value, long lease) {
		try {
			EtcdServiceInstance instance = this.format.read(service, id, value);
			EtcdConfigStatus config = this.format.readConfigStatus(value);
			return new EtcdInstanceStatus(service, id, instance.getUri().toString(), instance.getStatus(),
					(config != null) ? config.revision() : null, (config != null) ? config.stale() : null,
					(config != null) ? config.state() : null, null, instance.getMetadata(),
					config != null && config.verifies(), (config != null) ? config.rejected() : null,
					(config != null) ? config.verdicts() : null, (config != null) ? config.rollout() : null,
					this.format.readHealth(value), lease);
		}
		catch (IllegalArgumentException ex) {
			return new EtcdInstanceStatus(service, id, null, null, null, null, null,
					"the entry cannot be read: " + ex.getMessage(), null, false, null, null, null, null, lease);
		}
	}

	/**
	 * Wait until every instance that reports its configuration has applied a revision, or
	 * one of them has refused it.
	 * @param application the application, or {@code null} for every application
	 * @param revision the revision
	 * @param wait how long to wait
	 * @return who has applied it, complete or not
	 */
	EtcdRollout await(String application, long revision, Duration wait) {
		Map<String, EtcdInstanceStatus> seen = new LinkedHashMap<>();
		List<EtcdInstanceStatus> last = until(application, wait, (instances) -> {
			instances.forEach((instance) -> seen.put(instance.toString(), instance));
			EtcdRollout rollout = new EtcdRollout(application, revision, false, instances, List.of());
			return rollout.pending().isEmpty() || !rollout.rejected().isEmpty();
		});
		List<EtcdInstanceStatus> gone = new ArrayList<>(seen.values());
		gone.removeIf((instance) -> last.stream().anyMatch((now) -> now.toString().equals(instance.toString())));
		EtcdRollout rollout = new EtcdRollout(application, revision, false, last, gone);
		return new EtcdRollout(application, revision, rollout.pending().isEmpty(), last, gone);
	}

	/**
	 * Wait until instances have answered a proposal.
	 * @param application the application, or {@code null} for every application
	 * @param proposal the proposal's id
	 * @param awaited the instances to wait for, {@code service/instance}
	 * @param wait how long to wait
	 * @return the answers of every instance that answered, by instance
	 */
	Map<String, EtcdInstanceVerdict> awaitVerdicts(String application, String proposal, Set<String> awaited,
			Duration wait) {
		Map<String, EtcdInstanceVerdict> verdicts = new LinkedHashMap<>();
		until(application, wait, (instances) -> {
			for (EtcdInstanceStatus instance : instances) {
				EtcdInstanceVerdict verdict = instance.verdict(proposal);
				if (verdict != null) {
					verdicts.put(instance.toString(), verdict);
				}
			}
			// An instance that left the registry will not answer.
			return instances.stream()
				.map(EtcdInstanceStatus::toString)
				.filter(awaited::contains)
				.allMatch(verdicts::containsKey);
		});
		return verdicts;
	}

	// Read the registry until the instances satisfy the condition or the time runs out;
	// the last reading.
	private List<EtcdInstanceStatus> until(String application, Duration wait,
			Predicate<List<EtcdInstanceStatus>> done) {
		long deadline = System.nanoTime() + wait.toNanos();
		Semaphore changed = new Semaphore(0);
		try (Watch.Watcher watcher = this.watch.watch(EtcdBytes.of(folder(application)),
				WatchOption.builder().isPrefix(true).build(),
				Watch.listener((response) -> changed.release(), (error) -> changed.release()))) {
			while (true) {
				List<EtcdInstanceStatus> instances = list(application);
				long left = deadline - System.nanoTime();
				if (done.test(instances) || left <= 0) {
					return instances;
				}
				changed.tryAcquire(Math.min(left, POLL_INTERVAL.toNanos()), TimeUnit.NANOSECONDS);
				changed.drainPermits();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new EtcdReleaseException(EtcdReleaseException.Reason.UNAVAILABLE, "The wait was interrupted", ex);
		}
	}

}
