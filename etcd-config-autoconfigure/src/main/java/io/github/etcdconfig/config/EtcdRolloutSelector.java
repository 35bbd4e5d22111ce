package io.github.etcdconfig.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.springframework.boot.json.JsonParser;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.json.JsonWriter;

/**
 * Which instances of an application take a staged rollout's values: the record an
 * operator tool writes at {@code {application layer}_rollout/selector}, next to the
 * values under {@code {application layer}_rollout/values/}, and that each instance
 * matches against its own id and registry metadata. Operator and instance call the same
 * {@link #matches}, so the subset the operator waits for is the subset that applies the
 * values.
 *
 * <p>
 * The JSON is {@code {"id", "seed", "rules": [{"below": 0.5} | {"instances": [id]} |
 * {"metadata": {name: value}}]}}. An instance matches when any rule does, so a later
 * stage adds a rule and keeps every instance of the earlier stages. {@link #toString()}
 * names the rollout and its rules, never a value of the configuration.
 *
 * @param id the rollout's id
 * @param seed what a share hashes instance ids with; the same release gives the same
 * seed, so the same instances
 * @param rules the rules, any of which admits an instance
 */
public record EtcdRolloutSelector(String id, String seed, List<Rule> rules) {

	/**
	 * The folder, inside an application's layer, that holds its rollout.
	 */
	public static final String FOLDER = "_rollout/";

	/**
	 * The selector's key, relative to the application's layer.
	 */
	public static final String SELECTOR_KEY = FOLDER + "selector";

	/**
	 * The folder of the rollout's values, relative to the application's layer: the key
	 * {@code database/host} of the layer is {@code _rollout/values/database/host}.
	 */
	public static final String VALUES_FOLDER = FOLDER + "values/";

	private static final JsonParser PARSER = JsonParserFactory.getJsonParser();

	private static final JsonWriter<EtcdRolloutSelector> WRITER = JsonWriter.of((members) -> {
		members.add("id", EtcdRolloutSelector::id);
		members.add("seed", EtcdRolloutSelector::seed);
		members.add("rules", (selector) -> selector.rules().stream().map(Rule::toJson).toList());
	});

	public EtcdRolloutSelector {
		rules = List.copyOf(rules);
	}

	/**
	 * Whether an instance takes the rollout's values.
	 * @param instanceId the instance's id, as registered
	 * @param metadata the instance's registry metadata
	 * @return whether any rule admits it
	 */
	public boolean matches(String instanceId, Map<String, String> metadata) {
		for (Rule rule : this.rules) {
			if (rule.matches(this.seed, instanceId, metadata)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Where an instance falls in the hash space of a share: a stable point in [0, 1) from
	 * the seed and the instance id. The instances whose points lie below a share's bound
	 * take it.
	 * @param seed the rollout's seed
	 * @param instanceId the instance id
	 * @return the point
	 */
	public static double point(String seed, String instanceId) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest((seed + "\n" + instanceId).getBytes(StandardCharsets.UTF_8));
			long bits = 0;
			for (int i = 0; i < 8; i++) {
				bits = (bits << 8) | (digest[i] & 0xff);
			}
			// The top 53 bits: every such fraction is exactly a double.
			return (bits >>> 11) * 0x1.0p-53;
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	/**
	 * The selector with one more rule, as the next stage widens the rollout.
	 * @param rule the rule
	 * @return the widened selector
	 */
	public EtcdRolloutSelector with(Rule rule) {
		List<Rule> widened = new ArrayList<>(this.rules);
		widened.add(rule);
		return new EtcdRolloutSelector(this.id, this.seed, widened);
	}

	/**
	 * The JSON text of this selector, as {@link #parse} reads it.
	 * @return the JSON
	 */
	public String toJson() {
		return WRITER.writeToString(this);
	}

	/**
	 * Read a selector.
	 * @param json its JSON text
	 * @return the selector
	 * @throws IllegalArgumentException when it is malformed; the message says why
	 */
	public static EtcdRolloutSelector parse(String json) {
		Map<String, Object> map;
		try {
			map = PARSER.parseMap(json);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("the rollout selector is not a JSON object");
		}
		if (!(map.get("id") instanceof String id) || id.isEmpty()) {
			throw new IllegalArgumentException("the rollout selector has no id");
		}
		if (!(map.get("seed") instanceof String seed)) {
			throw new IllegalArgumentException("the rollout selector has no seed");
		}
		if (!(map.get("rules") instanceof List<?> list)) {
			throw new IllegalArgumentException("the rollout selector has no rules array");
		}
		List<Rule> rules = new ArrayList<>();
		for (Object item : list) {
			if (!(item instanceof Map<?, ?> rule)) {
				throw new IllegalArgumentException("a rule of the rollout selector is not a JSON object");
			}
			rules.add(Rule.parse(rule));
		}
		return new EtcdRolloutSelector(id, seed, rules);
	}

	@Override
	public String toString() {
		return "rollout " + this.id + " " + this.rules;
	}

	/**
	 * One way to admit instances.
	 */
	public sealed interface Rule {

		/**
		 * Whether this rule admits an instance.
		 * @param seed the rollout's seed
		 * @param instanceId the instance id
		 * @param metadata the instance's registry metadata
		 * @return whether it does
		 */
		boolean matches(String seed, String instanceId, Map<String, String> metadata);

		/**
		 * The JSON object of this rule.
		 * @return its members
		 */
		Map<String, Object> toJson();

		private static Rule parse(Map<?, ?> json) {
			if (json.size() != 1) {
				throw new IllegalArgumentException("a rule of the rollout selector must have exactly one member");
			}
			if (json.get("below") instanceof Number below) {
				return new Share(below.doubleValue());
			}
			if (json.get("instances") instanceof List<?> ids) {
				Set<String> instances = new LinkedHashSet<>();
				for (Object id : ids) {
					if (!(id instanceof String text)) {
						throw new IllegalArgumentException("an instance id of the rollout selector is not a string");
					}
					instances.add(text);
				}
				return new Instances(instances);
			}
			if (json.get("metadata") instanceof Map<?, ?> labels) {
				Map<String, String> metadata = new LinkedHashMap<>();
				labels.forEach((name, value) -> {
					if (!(value instanceof String text)) {
						throw new IllegalArgumentException(
								"the metadata " + name + " of the rollout selector is not a string");
					}
					metadata.put(String.valueOf(name), text);
				});
				return new Metadata(metadata);
			}
			throw new IllegalArgumentException("a rule of the rollout selector is none of below, instances, metadata");
		}

	}

	/**
	 * A share of the instances: those whose {@link #point} lies below the bound. The
	 * operator sets the bound between two running instances' points, so a share picks an
	 * exact number of them, and an instance that starts later takes the share by its own
	 * point.
	 *
	 * @param below the bound, from 0 (none) to 1 (every instance)
	 */
	public record Share(double below) implements Rule {

		public Share {
			if (!(below >= 0 && below <= 1)) {
				throw new IllegalArgumentException("a share's bound must lie between 0 and 1");
			}
		}

		@Override
		public boolean matches(String seed, String instanceId, Map<String, String> metadata) {
			return this.below >= 1 || point(seed, instanceId) < this.below;
		}

		@Override
		public Map<String, Object> toJson() {
			return Map.of("below", this.below);
		}

	}

	/**
	 * Instances named by id.
	 *
	 * @param ids the instance ids
	 */
	public record Instances(Set<String> ids) implements Rule {

		public Instances {
			ids = Set.copyOf(ids);
		}

		@Override
		public boolean matches(String seed, String instanceId, Map<String, String> metadata) {
			return this.ids.contains(instanceId);
		}

		@Override
		public Map<String, Object> toJson() {
			return Map.of("instances", this.ids.stream().sorted().toList());
		}

	}

	/**
	 * Instances whose registry metadata holds every given entry, such as {@code zone=a}.
	 *
	 * @param labels the entries
	 */
	public record Metadata(Map<String, String> labels) implements Rule {

		public Metadata {
			labels = Map.copyOf(labels);
		}

		@Override
		public boolean matches(String seed, String instanceId, Map<String, String> metadata) {
			return this.labels.entrySet()
				.stream()
				.allMatch((label) -> label.getValue().equals(metadata.get(label.getKey())));
		}

		@Override
		public Map<String, Object> toJson() {
			return Map.of("metadata", new TreeMap<>(this.labels));
		}

	}

}
