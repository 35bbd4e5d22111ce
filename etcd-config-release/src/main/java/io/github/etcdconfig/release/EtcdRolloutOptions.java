package io.github.etcdconfig.release;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.util.StringUtils;

/**
 * How a staged rollout widens: its stages, the last always {@code 100%}, and how long the
 * instances of each stage must stay healthy with the values before the next.
 *
 * @param stages the stages, first to last; the last is {@link EtcdRolloutStage#ALL}
 * @param bake how long each stage's instances must have applied the values and stayed
 * healthy before the rollout widens
 */
public record EtcdRolloutOptions(List<EtcdRolloutStage> stages, Duration bake) {

	/** The bake time when none is given. */
	public static final Duration DEFAULT_BAKE = Duration.ofSeconds(60);

	/**
	 * Check the options.
	 * @throws EtcdReleaseException (invalid) when there is no stage, the last is not
	 * {@code 100%}, or the bake is negative
	 */
	public EtcdRolloutOptions {
		stages = List.copyOf(stages);
		bake = (bake != null) ? bake : DEFAULT_BAKE;
		if (stages.isEmpty() || !stages.get(stages.size() - 1).isAll()) {
			throw EtcdReleaseException.invalid("The last stage of a rollout must be 100%");
		}
		if (bake.isNegative()) {
			throw EtcdReleaseException.invalid("The bake time must not be negative");
		}
	}

	/**
	 * The options of a command line or a form.
	 * @param canary the first stage, or {@code null}
	 * @param steps the stages after it, comma-separated shares or counts such as
	 * {@code 10%,50%,100%}, or {@code null}; {@code 100%} is added when missing
	 * @param bake the bake time, or {@code null} for {@link #DEFAULT_BAKE}
	 * @return the options
	 * @throws EtcdReleaseException (invalid) when a stage does not parse, or there is
	 * none
	 */
	public static EtcdRolloutOptions of(String canary, String steps, Duration bake) {
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
		return new EtcdRolloutOptions(stages, bake);
	}

}
