package io.github.etcdconfig.release;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.util.StringUtils;

/**
 * How a staged rollout widens: its stages, the last always {@code 100%}, and how long the
 * instances of each stage must stay healthy with the values before the next, and how long
 * they are given to apply them.
 *
 * @param stages the stages, first to last; the last is {@link EtcdRolloutStage#ALL}
 * @param bake how long each stage's instances must have applied the values and stayed
 * healthy before the rollout widens
 * @param applyTimeout how long, from a stage being reached, its instances are given to
 * apply it before the rollout rolls back naming those that did not
 */
public record EtcdRolloutOptions(List<EtcdRolloutStage> stages, Duration bake, Duration applyTimeout) {

	/** The bake time when none is given. */
	public static final Duration DEFAULT_BAKE = Duration.ofSeconds(60);

	/** The time a stage's instances are given to apply it, when none is given. */
	public static final Duration DEFAULT_APPLY_TIMEOUT = Duration.ofMinutes(2);

	/**
	 * Check the options.
	 * @throws EtcdReleaseException (invalid) when there is no stage, the last is not
	 * {@code 100%}, the bake is negative or the apply timeout not positive
	 */
	public EtcdRolloutOptions {
		stages = List.copyOf(stages);
		bake = (bake != null) ? bake : DEFAULT_BAKE;
		applyTimeout = (applyTimeout != null) ? applyTimeout : DEFAULT_APPLY_TIMEOUT;
		if (stages.isEmpty() || !stages.get(stages.size() - 1).isAll()) {
			throw EtcdReleaseException.invalid("The last stage of a rollout must be 100%");
		}
		if (bake.isNegative()) {
			throw EtcdReleaseException.invalid("The bake time must not be negative");
		}
		if (applyTimeout.isNegative() || applyTimeout.isZero()) {
			throw EtcdReleaseException.invalid("The apply timeout must be positive");
		}
	}

	/**
	 * The options of a command line or a form, with {@link #DEFAULT_APPLY_TIMEOUT}.
	 * @param canary the first stage, or {@code null}
	 * @param steps the stages after it, or {@code null}
	 * @param bake the bake time, or {@code null} for {@link #DEFAULT_BAKE}
	 * @return the options
	 * @throws EtcdReleaseException (invalid) when a stage does not parse, or there is
	 * none
	 * @see #of(String, String, Duration, Duration)
	 */
	public static EtcdRolloutOptions of(String canary, String steps, Duration bake) {
		return of(canary, steps, bake, null);
	}

	/**
	 * The options of a command line or a form.
	 * @param canary the first stage, or {@code null}
	 * @param steps the stages after it, comma-separated shares or counts such as
	 * {@code 10%,50%,100%}, or {@code null}; {@code 100%} is added when missing
	 * @param bake the bake time, or {@code null} for {@link #DEFAULT_BAKE}
	 * @param applyTimeout how long a stage's instances are given to apply it, or
	 * {@code null} for {@link #DEFAULT_APPLY_TIMEOUT}
	 * @return the options
	 * @throws EtcdReleaseException (invalid) when a stage does not parse, or there is
	 * none
	 */
	public static EtcdRolloutOptions of(String canary, String steps, Duration bake, Duration applyTimeout) {
		List<EtcdRolloutStage> stages = new ArrayList<>();
		if (StringUtils.hasText(canary)) {
			stages.add(EtcdRolloutStage.parse(canary));
		}
		if (StringUtils.hasText(steps)) {
			for (String step : StringUtils.tokenizeToStringArray(steps, ",")) {
				stages.add(EtcdRolloutStage.parse(step));
			}
		}
		if (stages.isEmpty() || !stages.get(stages.size() - 1).isAll()) {
			stages.add(EtcdRolloutStage.ALL);
		}
		return new EtcdRolloutOptions(stages, bake, applyTimeout);
	}

	/**
	 * A duration as an operator writes it: {@code 2m}, {@code 30s} or {@code 500ms}.
	 * @param duration the duration
	 * @return the text
	 */
	public static String text(Duration duration) {
		long millis = duration.toMillis();
		if (millis % 60_000 == 0) {
			return (millis / 60_000) + "m";
		}
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

}
