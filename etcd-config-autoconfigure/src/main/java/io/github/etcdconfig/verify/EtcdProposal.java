package io.github.etcdconfig.verify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.json.JsonParser;
import org.springframework.boot.json.JsonParserFactory;

/**
 * A change the operator tools propose to one layer, before they write it: the key
 * {@code {prefix}{layer without its leading slash}{id}} holds {@code {"id", "layer",
 * "baseRevision", "puts": {key: value}, "deletes": [key], "by"}}. {@link #toString()}
 * names the proposal and its layer, never a value.
 *
 * @param id the proposal's id, the last segment of its key
 * @param layer the layer prefix it changes, such as {@code /config-apps/billing/}
 * @param baseRevision the etcd revision the change was planned at
 * @param puts the keys to write and their values
 * @param deletes the keys to delete
 * @param by who proposes it, empty when unknown
 */
public record EtcdProposal(String id, String layer, long baseRevision, Map<String, String> puts, List<String> deletes,
		String by) {

	private static final JsonParser PARSER = JsonParserFactory.getJsonParser();

	/**
	 * Where a proposal key points: its layer and id.
	 *
	 * @param layer the layer prefix
	 * @param id the proposal id
	 */
	public record Key(String layer, String id) {

		/**
		 * Read a proposal key.
		 * @param prefix the proposals prefix
		 * @param key the key
		 * @return the layer and id, or {@code null} when the key names no layer and id
		 */
		public static Key of(String prefix, String key) {
			if (!key.startsWith(prefix)) {
				return null;
			}
			String rest = key.substring(prefix.length());
			int slash = rest.lastIndexOf('/');
			if (slash <= 0 || slash == rest.length() - 1) {
				return null;
			}
			return new Key("/" + rest.substring(0, slash + 1), rest.substring(slash + 1));
		}

	}

	/**
	 * Read a proposal and check that it matches its key and stays within its layer.
	 * @param key where it was found
	 * @param value its JSON text
	 * @return the proposal
	 * @throws IllegalArgumentException when it is malformed; the message says why without
	 * quoting a value
	 */
	public static EtcdProposal parse(Key key, String value) {
		Map<String, Object> json;
		try {
			json = PARSER.parseMap(value);
		}
		catch (RuntimeException ex) {
			// Not the parser's message: it may quote the value.
			throw new IllegalArgumentException("the proposal is not a JSON object");
		}
		String id = text(json, "id");
		String layer = text(json, "layer");
		if (!key.id().equals(id)) {
			throw new IllegalArgumentException("its id does not match its key");
		}
		if (!key.layer().equals(layer)) {
			throw new IllegalArgumentException("its layer does not match its key");
		}
		Object baseRevision = json.get("baseRevision");
		if (baseRevision != null && !(baseRevision instanceof Number)) {
			throw new IllegalArgumentException("its baseRevision is not a revision");
		}
		Map<String, String> puts = new LinkedHashMap<>();
		Object putsJson = json.get("puts");
		if (putsJson != null) {
			if (!(putsJson instanceof Map<?, ?> map)) {
				throw new IllegalArgumentException("its puts is not a JSON object");
			}
			map.forEach((name, text) -> {
				if (!(text instanceof String string)) {
					throw new IllegalArgumentException("the value of " + name + " in its puts is not a string");
				}
				puts.put(inLayer(String.valueOf(name), layer), string);
			});
		}
		List<String> deletes = new ArrayList<>();
		Object deletesJson = json.get("deletes");
		if (deletesJson != null) {
			if (!(deletesJson instanceof List<?> list)) {
				throw new IllegalArgumentException("its deletes is not a JSON array");
			}
			for (Object name : list) {
				if (!(name instanceof String string)) {
					throw new IllegalArgumentException("its deletes holds something other than a key");
				}
				deletes.add(inLayer(string, layer));
			}
		}
		String by = text(json, "by");
		return new EtcdProposal(id, layer, (baseRevision != null) ? ((Number) baseRevision).longValue() : 0, puts,
				deletes, (by != null) ? by : "");
	}

	private static String inLayer(String key, String layer) {
		if (!key.startsWith(layer) || key.length() == layer.length()) {
			throw new IllegalArgumentException("the key " + key + " lies outside its layer");
		}
		return key;
	}

	private static String text(Map<String, Object> json, String name) {
		Object value = json.get(name);
		if (value != null && !(value instanceof String)) {
			throw new IllegalArgumentException("its " + name + " is not a string");
		}
		return (String) value;
	}

	@Override
	public String toString() {
		return "proposal " + this.id + " for " + this.layer + " (" + this.puts.size() + " puts, " + this.deletes.size()
				+ " deletes)";
	}

}
