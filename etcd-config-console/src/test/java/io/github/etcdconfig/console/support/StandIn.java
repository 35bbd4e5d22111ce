package io.github.etcdconfig.console.support;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.github.etcdconfig.config.EtcdRolloutSelector;
import io.github.etcdconfig.test.EtcdKeys;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in instance of an application for the staged rollout pages: its registration is
 * JSON on a lease, in the format the instances write, and it takes a rollout's values as
 * an instance would, by matching the rollout's selector against its own id and metadata
 * and reporting {@code config.rollout} and the revision. It can reject the values or turn
 * its health DOWN on demand, as a suffering instance would.
 */
public final class StandIn implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final EtcdKeys keys;

	private final String service;

	private final String id;

	private final String layer;

	private final long lease;

	private final Watch.Watcher watcher;

	private long revision;

	private Map<String, Object> rollout;

	private Map<String, Object> rejected;

	private String health = "UP";

	/**
	 * Register a stand-in at the current revision, and follow its application's layer.
	 * @param keys where to write
	 * @param service its application
	 * @param id its instance id
	 */
	public StandIn(EtcdKeys keys, String service, String id) {
		this.keys = keys;
		this.service = service;
		this.id = id;
		this.layer = "/config-apps/" + service + "/";
		// Long enough for the tests: a stand-in leaves the registry when it is closed.
		this.lease = EtcdKeys.await(keys.client().getLeaseClient().grant(600)).getID();
		synchronized (this) {
			this.revision = keys.revision();
			register();
		}
		this.watcher = keys.client()
			.getWatchClient()
			.watch(EtcdKeys.bytes(this.layer), WatchOption.builder().isPrefix(true).build(),
					Watch.listener((response) -> response.getEvents().forEach(this::on)));
	}

	public String id() {
		return this.id;
	}

	/**
	 * Whether the rollout's selector admits this instance.
	 */
	public boolean isIn(EtcdRolloutSelector selector) {
		return selector.matches(this.id, Map.of());
	}

	/**
	 * Reject the values it applied last, naming a property and a reason.
	 */
	public synchronized void reject(String property, String reason) {
		this.rejected = Map.of("revision", this.revision,
				"properties", List.of(Map.of("name", property, "reason", reason)));
		register();
	}

	/**
	 * Forget a rejection: it applies what comes next.
	 */
	public synchronized void accept() {
		this.rejected = null;
		register();
	}

	/**
	 * Publish a health.
	 */
	public synchronized void health(String health) {
		this.health = health;
		register();
	}

	private synchronized void on(WatchEvent event) {
		String key = event.getKeyValue().getKey().toString(StandardCharsets.UTF_8);
		this.revision = Math.max(this.revision, event.getKeyValue().getModRevision());
		if (key.equals(this.layer + EtcdRolloutSelector.SELECTOR_KEY)) {
			if (event.getEventType() == WatchEvent.EventType.PUT) {
				EtcdRolloutSelector selector = EtcdRolloutSelector
					.parse(event.getKeyValue().getValue().toString(StandardCharsets.UTF_8));
				this.rollout = isIn(selector) ? Map.of("id", selector.id(), "revision", this.revision) : null;
			}
			else {
				this.rollout = null;
			}
		}
		register();
	}

	// On jetcd's thread too: written without waiting.
	private void register() {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("revision", this.revision);
		config.put("stale", false);
		config.put("state", "WATCHING");
		if (this.rollout != null) {
			config.put("rollout", this.rollout);
		}
		if (this.rejected != null) {
			config.put("rejected", this.rejected);
		}
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("instanceId", this.id);
		entry.put("serviceId", this.service);
		entry.put("host", "127.0.0.1");
		entry.put("port", 9000 + Math.abs(this.id.hashCode() % 900));
		entry.put("uri", "http://127.0.0.1:" + (9000 + Math.abs(this.id.hashCode() % 900)));
		entry.put("status", "healthy");
		entry.put("health", this.health);
		entry.put("config", config);
		this.keys.client()
			.getKVClient()
			.put(EtcdKeys.bytes("/services/" + this.service + "/" + this.id), EtcdKeys.bytes(JSON.writeValueAsString(entry)),
					PutOption.builder().withLeaseId(this.lease).build());
	}

	/**
	 * Leave the registry: the lease goes, and the registration with it.
	 */
	@Override
	public void close() {
		this.watcher.close();
		this.keys.revoke(this.lease);
	}

}
