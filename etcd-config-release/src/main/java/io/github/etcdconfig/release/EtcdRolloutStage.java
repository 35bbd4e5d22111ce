package io.github.etcdconfig.release;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.etcdconfig.config.EtcdRolloutSelector;

import org.springframework.util.StringUtils;

/**
 * One stage of a staged rollout: which instances take the release's values, in the
 * operator's words. A stage adds a rule to the rollout's {@link EtcdRolloutSelector} when
 * it is reached, so the instances of earlier stages keep the values.
 *
 * <ul>
 * <li>a share, {@code 10%}: the instances whose stable point
 * ({@link EtcdRolloutSelector#point}) is among the lowest tenth, at least one;</li>
 * <li>a count, {@code 2}: the two registered instances with the lowest points, fixed by
 * id when the stage is reached;</li>
 * <li>instance ids, {@code orders-1,orders-2};</li>
 * <li>registry metadata, {@code zone=a} (several entries: {@code zone=a,version=1.4.2},
 * all of which must match);</li>
 * <li>{@code 100%}: every instance; the last stage, which ends the rollout as a normal
 * release of the application's layer.</li>
 * </ul>
 */
public sealed interface EtcdRolloutStage {

	/** Every instance: the last stage. */
	EtcdRolloutStage ALL = new Share(1);

	/**
	 * Read a stage as the operator writes it.
	 * @param text {@code 10%}, {@code 2}, {@code a,b}, {@code zone=a} or {@code 100%}
	 * @return the stage
	 * @throws EtcdReleaseException (invalid) naming what is wrong
	 */
	static EtcdRolloutStage parse(String text) {
		if (!StringUtils.hasText(text)) {
			throw EtcdReleaseException.invalid("A rollout stage must not be blank: write 10%, 2, ids or zone=a");
		}
		String stage = text.strip();
		if (stage.endsWith("%")) {
			try {
				BigDecimal percent = new BigDecimal(stage.substring(0, stage.length() - 1).strip());
				if (percent.signum() > 0 && percent.compareTo(BigDecimal.valueOf(100)) <= 0) {
					return new Share(percent.doubleValue() / 100);
				}
			}
			catch (NumberFormatException ex) {
				// Reported below.
			}
			throw EtcdReleaseException
				.invalid("The rollout stage '" + stage + "' is not a share above 0% and up to 100%");
		}
		if (stage.chars().allMatch(Character::isDigit)) {
			try {
				int count = Integer.parseInt(stage);
				if (count > 0) {
					return new Count(count);
				}
			}
			catch (NumberFormatException ex) {
				// Reported below.
			}
			throw EtcdReleaseException.invalid("The rollout stage '" + stage + "' is not a count of at least 1");
		}
		List<String> items = List.of(StringUtils.tokenizeToStringArray(stage, ","));
		if (items.isEmpty()) {
			throw EtcdReleaseException.invalid("The rollout stage '" + stage + "' names no instance");
		}
		if (stage.contains("=")) {
			Map<String, String> labels = new LinkedHashMap<>();
			for (String item : items) {
				int equals = item.indexOf('=');
				if (equals <= 0 || equals == item.length() - 1) {
					throw EtcdReleaseException.invalid("The rollout stage '" + stage
							+ "' mixes instance ids and metadata, or has an entry without a name or value: write "
							+ "zone=a or zone=a,version=1.4.2");
				}
				labels.put(item.substring(0, equals).strip(), item.substring(equals + 1).strip());
			}
			return new Metadata(labels);
		}
		return new Instances(new LinkedHashSet<>(items));
	}

	/**
	 * The stage as {@link #parse} reads it.
	 * @return the text
	 */
	String text();

	/**
	 * The rule that admits this stage's instances, fixed now from the registered
	 * instances: a share's bound lies between two running instances' points so that it
	 * picks an exact number of them, and a count becomes their ids.
	 * @param seed the rollout's seed
	 * @param registered the ids of the application's registered instances
	 * @return the rule
	 */
	EtcdRolloutSelector.Rule rule(String seed, List<String> registered);

	/**
	 * Whether this stage takes every instance.
	 * @return whether it is {@code 100%}
	 */
	default boolean isAll() {
		return this instanceof Share share && share.fraction() >= 1;
	}

	/**
	 * The registered instances sorted by their points, lowest first.
	 * @param seed the rollout's seed
	 * @param registered the instance ids
	 * @return the ids
	 */
	private static List<String> byPoint(String seed, List<String> registered) {
		List<String> sorted = new ArrayList<>(new LinkedHashSet<>(registered));
		sorted.sort(Comparator.comparingDouble((String id) -> EtcdRolloutSelector.point(seed, id))
			.thenComparing(Comparator.naturalOrder()));
		return sorted;
	}

	/**
	 * A share of the instances.
	 *
	 * @param fraction the share, above 0 and up to 1
	 */
	record Share(double fraction) implements EtcdRolloutStage {

		@Override
		public String text() {
			return BigDecimal.valueOf(this.fraction * 100).stripTrailingZeros().toPlainString() + "%";
		}

		@Override
		public EtcdRolloutSelector.Rule rule(String seed, List<String> registered) {
			if (this.fraction >= 1) {
				return new EtcdRolloutSelector.Share(1);
			}
			List<String> sorted = byPoint(seed, registered);
			if (sorted.isEmpty()) {
				return new EtcdRolloutSelector.Share(this.fraction);
			}
			// At least one instance, so that a small share of few instances still tests.
			int count = Math.max(1, (int) Math.ceil(this.fraction * sorted.size() - 1e-9));
			if (count >= sorted.size()) {
				return new EtcdRolloutSelector.Share(1);
			}
			double last = EtcdRolloutSelector.point(seed, sorted.get(count - 1));
			double next = EtcdRolloutSelector.point(seed, sorted.get(count));
			return new EtcdRolloutSelector.Share((last + next) / 2);
		}

	}

	/**
	 * The given number of registered instances with the lowest points.
	 *
	 * @param count how many
	 */
	record Count(int count) implements EtcdRolloutStage {

		@Override
		public String text() {
			return Integer.toString(this.count);
		}

		@Override
		public EtcdRolloutSelector.Rule rule(String seed, List<String> registered) {
			List<String> sorted = byPoint(seed, registered);
			return new EtcdRolloutSelector.Instances(
					new LinkedHashSet<>(sorted.subList(0, Math.min(this.count, sorted.size()))));
		}

	}

	/**
	 * Instances named by id.
	 *
	 * @param ids the ids
	 */
	record Instances(Set<String> ids) implements EtcdRolloutStage {

		public Instances {
			ids = Set.copyOf(ids);
		}

		@Override
		public String text() {
			return String.join(",", this.ids.stream().sorted().toList());
		}

		@Override
		public EtcdRolloutSelector.Rule rule(String seed, List<String> registered) {
			return new EtcdRolloutSelector.Instances(this.ids);
		}

	}

	/**
	 * Instances whose registry metadata holds every entry.
	 *
	 * @param labels the entries
	 */
	record Metadata(Map<String, String> labels) implements EtcdRolloutStage {

		public Metadata {
			labels = Map.copyOf(labels);
		}

		@Override
		public String text() {
			return String.join(",",
					this.labels.entrySet()
						.stream()
						.sorted(Map.Entry.comparingByKey())
						.map((label) -> label.getKey() + "=" + label.getValue())
						.toList());
		}

		@Override
		public EtcdRolloutSelector.Rule rule(String seed, List<String> registered) {
			return new EtcdRolloutSelector.Metadata(this.labels);
		}

	}

}
