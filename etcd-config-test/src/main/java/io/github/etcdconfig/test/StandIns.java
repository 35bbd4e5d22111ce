package io.github.etcdconfig.test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;

import org.springframework.boot.json.JsonWriter;

/**
 * Stand-in instances of one application for tests of staged rollouts without running
 * applications: each registers as etcd-discovery does, and after every change of the
 * application's layer reports the revision it applied and, while the rollout's selector
 * ({@code _rollout/selector} of the layer) admits it, {@code config.rollout} as issue
 * 23's protocol writes it. A test then makes one fail: reject, turn its status, report
 * DOWN, or leave the registry. Which instances a selector admits is the test's
 * {@link Selector} (the starter's {@code EtcdRolloutSelector}, which this module does not
 * depend on).
 */
public final class StandIns implements AutoCloseable {

	private static final JsonWriter<Object> JSON = JsonWriter.standard();

	private static final String SELECTOR_KEY = "_rollout/selector";

	private final EtcdKeys keys;

	private final String service;

	private final Map<String, Instance> instances = new LinkedHashMap<>();

	private final Selector selector;

	// Registrations are written on this thread, never on jetcd's.
	private final ExecutorService writer = Executors.newSingleThreadExecutor();

	private final Watch.Watcher watcher;

	private volatile long revision;

	/**
	 * Register instances, with the metadata {@code zone=a} for the first half and
	 * {@code zone=b} for the rest.
	 * @param keys where to write
	 * @param service the application
	 * @param ids the instance ids
	 * @param selector which instances a rollout's selector admits
	 */
	public StandIns(EtcdKeys keys, String service, List<String> ids, Selector selector) {
		this.keys = keys;
		this.service = service;
		this.selector = selector;
		for (int i = 0; i < ids.size(); i++) {
			this.instances.put(ids.get(i), new Instance(ids.get(i), (i < ids.size() / 2) ? "a" : "b"));
		}
		this.revision = keys.revision();
		this.watcher = keys.client()
			.getWatchClient()
			.watch(EtcdKeys.bytes(layer()), WatchOption.builder().isPrefix(true).build(), Watch
				.listener((response) -> this.writer.execute(() -> applied(response.getHeader().getRevision()))));
		this.writer.execute(() -> applied(this.revision));
		awaitWrites();
	}

	private String layer() {
		return "/config-apps/" + this.service + "/";
	}

	private synchronized void applied(long revision) {
		this.revision = Math.max(this.revision, revision);
		KeyValue selectorKey = this.keys.get(layer() + SELECTOR_KEY);
		String json = (selectorKey != null) ? selectorKey.getValue().toString(StandardCharsets.UTF_8) : null;
		for (Instance instance : this.instances.values()) {
			if (instance.gone) {
				continue;
			}
			String rollout = (json != null) ? this.selector.admits(json, instance.id, instance.metadata()) : null;
			instance.rollout = (rollout != null) ? Map.of("id", rollout, "revision", this.revision) : null;
			write(instance);
		}
	}

	private void write(Instance instance) {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("revision", this.revision);
		config.put("stale", false);
		config.put("state", "WATCHING");
		config.put("verifies", false);
		if (instance.rejected != null) {
			config.put("rejected", instance.rejected);
		}
		if (instance.rollout != null) {
			config.put("rollout", instance.rollout);
		}
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("instanceId", instance.id);
		entry.put("serviceId", this.service);
		entry.put("host", "127.0.0.1");
		entry.put("port", 9000 + Math.abs(instance.id.hashCode() % 900));
		entry.put("status", instance.status);
		entry.put("health", instance.health);
		entry.put("metadata", instance.metadata());
		entry.put("config", config);
		String json = JSON.writeToString(entry);
		if (instance.lease == 0) {
			this.keys.put(key(instance.id), json);
		}
		else {
			EtcdKeys.await(this.keys.client()
				.getKVClient()
				.put(EtcdKeys.bytes(key(instance.id)), EtcdKeys.bytes(json),
						PutOption.builder().withLeaseId(instance.lease).build()));
		}
	}

	private String key(String id) {
		return "/services/" + this.service + "/" + id;
	}

	/**
	 * Make an instance reject the revision it saw last, as an instance whose beans refuse
	 * a value does.
	 * @param id the instance
	 * @return the revision of its registration that reports it
	 */
	public long reject(String id) {
		return change(id, (instance) -> instance.rejected = Map.of("revision", this.revision, "properties",
				List.of(Map.of("name", "greeting", "reason", "must not be rude"))));
	}

	/**
	 * Turn an instance's registered status.
	 * @param id the instance
	 * @param status such as {@code OUT_OF_SERVICE}
	 * @return the revision of its registration
	 */
	public long status(String id, String status) {
		return change(id, (instance) -> instance.status = status);
	}

	/**
	 * Make an instance publish a health.
	 * @param id the instance
	 * @param health such as {@code DOWN}
	 * @return the revision of its registration
	 */
	public long health(String id, String health) {
		return change(id, (instance) -> instance.health = health);
	}

	/**
	 * Remove an instance's registration, as its lease expiring does.
	 * @param id the instance
	 * @return the revision of the removal
	 */
	public long leave(String id) {
		synchronized (this) {
			this.instances.get(id).gone = true;
			return this.keys.delete(key(id));
		}
	}

	/**
	 * Register an instance again on a new lease, as a process that crashed and started
	 * again within its lease's time does: its entry is overwritten, and never leaves the
	 * registry.
	 * @param id the instance
	 * @return the revision of its new registration
	 */
	public long restart(String id) {
		long lease = EtcdKeys.await(this.keys.client().getLeaseClient().grant(60)).getID();
		return change(id, (instance) -> instance.lease = lease);
	}

	private long change(String id, Consumer<Instance> change) {
		synchronized (this) {
			Instance instance = this.instances.get(id);
			change.accept(instance);
			write(instance);
			return this.keys.revision();
		}
	}

	/**
	 * The ids of the instances that expose the rollout's values now.
	 * @return the ids
	 */
	public synchronized List<String> exposing() {
		return this.instances.values()
			.stream()
			.filter((instance) -> !instance.gone && instance.rollout != null)
			.map((instance) -> instance.id)
			.toList();
	}

	private void awaitWrites() {
		try {
			this.writer.submit(() -> {
			}).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.watcher.close();
		this.writer.shutdown();
		try {
			this.writer.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		synchronized (this) {
			this.instances.keySet().forEach((id) -> this.keys.delete(key(id)));
		}
	}

	/**
	 * Which instances a rollout's selector admits.
	 */
	@FunctionalInterface
	public interface Selector {

		/**
		 * Whether a selector admits an instance.
		 * @param json the selector's JSON
		 * @param id the instance id
		 * @param metadata its registry metadata
		 * @return the rollout's id when it does, else {@code null}
		 */
		String admits(String json, String id, Map<String, String> metadata);

	}

	private static final class Instance {

		final String id;

		final String zone;

		volatile String status = "healthy";

		volatile String health = "UP";

		volatile Map<String, Object> rejected;

		volatile Map<String, Object> rollout;

		volatile boolean gone;

		volatile long lease;

		Instance(String id, String zone) {
			this.id = id;
			this.zone = zone;
		}

		Map<String, String> metadata() {
			return Map.of("zone", this.zone);
		}

	}

}
