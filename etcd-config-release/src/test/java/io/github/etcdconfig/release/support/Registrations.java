package io.github.etcdconfig.release.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.github.etcdconfig.test.EtcdKeys;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registrations written by hand in the format of issue 22's protocol
 * ({@code config.verifies}, {@code config.rejected}, {@code config.verdicts}), and
 * stand-in instances that answer proposals as a verifying instance would: for tests of
 * the operator's side without running applications.
 */
public final class Registrations {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Registrations() {
	}

	/**
	 * Register an instance.
	 * @param keys where to write
	 * @param service its application
	 * @param id its instance id
	 * @param config its {@code config} object
	 */
	public static void register(EtcdKeys keys, String service, String id, Map<String, Object> config) {
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("instanceId", id);
		entry.put("serviceId", service);
		entry.put("host", "127.0.0.1");
		entry.put("port", 9000 + Math.abs(id.hashCode() % 900));
		entry.put("status", "healthy");
		entry.put("config", config);
		keys.put("/services/" + service + "/" + id, JSON.writeValueAsString(entry));
	}

	/**
	 * A {@code config} object.
	 * @param revision the revision applied
	 * @param verifies whether the instance evaluates proposals
	 * @return the object, to add to
	 */
	public static Map<String, Object> config(long revision, boolean verifies) {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("revision", revision);
		config.put("stale", false);
		config.put("state", "WATCHING");
		config.put("verifies", verifies);
		return config;
	}

	/**
	 * A rejected property, as the protocol writes it.
	 */
	public static Map<String, Object> property(String name, String reason) {
		return Map.of("name", name, "reason", reason);
	}

	/**
	 * A stand-in instance that answers every proposal of the shared layer and of its
	 * application's layers, with the answer a function gives for the proposal's JSON.
	 * @param keys where to write
	 * @param service its application
	 * @param id its instance id
	 * @param answer the verdict for a proposal: {@code verdict} and {@code properties}
	 * entries, or {@code null} to stay silent
	 * @return the instance; closing it stops it answering
	 */
	public static Verifier verifier(EtcdKeys keys, String service, String id,
			Function<Map<String, Object>, Map<String, Object>> answer) {
		return new Verifier(keys, service, id, answer);
	}

	/**
	 * A stand-in verifying instance.
	 */
	public static final class Verifier implements AutoCloseable {

		private final EtcdKeys keys;

		private final String service;

		private final String id;

		private final Function<Map<String, Object>, Map<String, Object>> answer;

		private final List<Map<String, Object>> verdicts = new ArrayList<>();

		private final List<Map<String, Object>> proposals = new CopyOnWriteArrayList<>();

		private final Watch.Watcher watcher;

		Verifier(EtcdKeys keys, String service, String id, Function<Map<String, Object>, Map<String, Object>> answer) {
			this.keys = keys;
			this.service = service;
			this.id = id;
			this.answer = answer;
			register();
			this.watcher = keys.client()
				.getWatchClient()
				.watch(EtcdKeys.bytes("/config-proposals/"), WatchOption.builder().isPrefix(true).build(),
						Watch.listener((response) -> response.getEvents().forEach(this::on)));
		}

		@SuppressWarnings("unchecked")
		private synchronized void on(WatchEvent event) {
			if (event.getEventType() != WatchEvent.EventType.PUT) {
				return;
			}
			Map<String, Object> proposal = JSON
				.readValue(event.getKeyValue().getValue().toString(StandardCharsets.UTF_8), Map.class);
			String layer = (String) proposal.get("layer");
			if (!layer.equals("/config/") && !layer.startsWith("/config-apps/" + this.service + "/")) {
				// Another application's layer, which this instance does not read.
				return;
			}
			this.proposals.add(proposal);
			Map<String, Object> verdict = this.answer.apply(proposal);
			if (verdict != null) {
				Map<String, Object> written = new LinkedHashMap<>(verdict);
				written.put("proposal", proposal.get("id"));
				this.verdicts.add(0, written);
				// On jetcd's thread: written without waiting.
				this.keys.client()
					.getKVClient()
					.put(EtcdKeys.bytes("/services/" + this.service + "/" + this.id), EtcdKeys.bytes(entry()));
			}
		}

		private void register() {
			this.keys.put("/services/" + this.service + "/" + this.id, entry());
		}

		private String entry() {
			Map<String, Object> config = config(1, true);
			config.put("verdicts", new ArrayList<>(this.verdicts));
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("instanceId", this.id);
			entry.put("host", "127.0.0.1");
			entry.put("port", 9000 + Math.abs(this.id.hashCode() % 900));
			entry.put("config", config);
			return JSON.writeValueAsString(entry);
		}

		/**
		 * The proposals it saw, as JSON.
		 */
		public List<Map<String, Object>> proposals() {
			return this.proposals;
		}

		@Override
		public void close() {
			this.watcher.close();
			this.keys.delete("/services/" + this.service + "/" + this.id);
		}

	}

}
