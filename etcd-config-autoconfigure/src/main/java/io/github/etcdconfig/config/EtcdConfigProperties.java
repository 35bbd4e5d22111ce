package io.github.etcdconfig.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.github.etcdconfig.client.EtcdValidation;
import io.github.etcdconfig.ranges.EtcdConfigReader;
import io.github.etcdconfig.watch.EtcdWatchProperties;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * What to load from etcd and how to follow it: the key prefixes, start-up failure
 * handling and the live watch.
 */
@ConfigurationProperties(prefix = EtcdConfigProperties.PREFIX)
public class EtcdConfigProperties implements Validator {

	/** The prefix of these settings. */
	public static final String PREFIX = "etcd.config";

	/** Placeholder in a prefix for spring.application.name. */
	public static final String APPLICATION_PLACEHOLDER = "{application}";

	/** Placeholder in a prefix for each active profile. */
	public static final String PROFILE_PLACEHOLDER = "{profile}";

	/** The default shared layer, which every application reads. */
	public static final String DEFAULT_SHARED_PREFIX = "/config/";

	/** The default layer of each application. */
	public static final String DEFAULT_APPLICATION_PREFIX = "/config-apps/" + APPLICATION_PLACEHOLDER + "/";

	/** The default layer of each profile of an application. */
	public static final String DEFAULT_PROFILE_PREFIX = DEFAULT_APPLICATION_PREFIX + "profiles/" + PROFILE_PLACEHOLDER
			+ "/";

	/** The default prefixes, comma-separated as a command line takes them. */
	public static final String DEFAULT_PREFIXES = DEFAULT_SHARED_PREFIX + "," + DEFAULT_APPLICATION_PREFIX + ","
			+ DEFAULT_PROFILE_PREFIX;

	/**
	 * Whether to load configuration from etcd at start-up without an explicit
	 * spring.config.import.
	 */
	private boolean enabled = true;

	/**
	 * Key prefixes to load, in increasing precedence. "{application}" stands for
	 * spring.application.name (the prefix is skipped when no name is set); "{profile}"
	 * repeats the prefix for each active profile, later profiles winning. A key belongs
	 * to the longest prefix that contains it. The fixed folder before a placeholder
	 * ("/config-apps/", "profiles/") holds the layers of every application or profile,
	 * and is no part of a layer around it.
	 */
	private List<String> prefixes = new ArrayList<>(
			List.of(DEFAULT_SHARED_PREFIX, DEFAULT_APPLICATION_PREFIX, DEFAULT_PROFILE_PREFIX));

	/**
	 * Whether start-up fails when etcd cannot be read (after the retries). When false,
	 * the application starts with a warning and without etcd values, like optional:etcd:.
	 */
	private boolean failFast = true;

	/**
	 * Number of keys asked for in the first page of a load. Later pages adapt so that a
	 * response stays near 1 MiB.
	 */
	private int pageSize = EtcdConfigReader.DEFAULT_PAGE_SIZE;

	private final Retry retry = new Retry();

	@NestedConfigurationProperty
	private final EtcdWatchProperties watch = new EtcdWatchProperties();

	private final Refresh refresh = new Refresh();

	private final Snapshot snapshot = new Snapshot();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getPrefixes() {
		return this.prefixes;
	}

	public void setPrefixes(List<String> prefixes) {
		this.prefixes = prefixes;
	}

	public boolean isFailFast() {
		return this.failFast;
	}

	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	public int getPageSize() {
		return this.pageSize;
	}

	public void setPageSize(int pageSize) {
		this.pageSize = pageSize;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public EtcdWatchProperties getWatch() {
		return this.watch;
	}

	public Refresh getRefresh() {
		return this.refresh;
	}

	public Snapshot getSnapshot() {
		return this.snapshot;
	}

	@Override
	public boolean supports(Class<?> clazz) {
		return EtcdConfigProperties.class.isAssignableFrom(clazz);
	}

	@Override
	public void validate(Object target, Errors errors) {
		EtcdConfigProperties properties = (EtcdConfigProperties) target;
		if (properties.getPrefixes() == null || properties.getPrefixes().isEmpty()) {
			errors.rejectValue("prefixes", "etcd.config.prefixes.empty",
					"etcd.config.prefixes must name at least one key prefix");
		}
		else {
			for (int i = 0; i < properties.getPrefixes().size(); i++) {
				EtcdValidation.folder(errors, "prefixes[" + i + "]", properties.getPrefixes().get(i),
						"etcd.config.prefixes[" + i + "]", DEFAULT_SHARED_PREFIX);
			}
		}
		if (properties.getPageSize() < 1) {
			errors.rejectValue("pageSize", "etcd.config.page-size.invalid", "etcd.config.page-size must be at least 1");
		}
		if (properties.getSnapshot().getCatchUpRevisions() < 0) {
			errors.rejectValue("snapshot.catchUpRevisions", "etcd.config.snapshot.invalid",
					"etcd.config.snapshot.catch-up-revisions must not be negative (0 always reads every key)");
		}
		Retry retry = properties.getRetry();
		if (retry.getMaxRetries() < 0) {
			errors.rejectValue("retry.maxRetries", "etcd.config.retry.invalid",
					"etcd.config.retry.max-retries must not be negative");
		}
		if (retry.getMultiplier() < 1) {
			errors.rejectValue("retry.multiplier", "etcd.config.retry.invalid",
					"etcd.config.retry.multiplier must be at least 1");
		}
		EtcdValidation.positive(errors, "retry.delay", retry.getDelay(), "etcd.config.retry.delay");
		EtcdValidation.positive(errors, "retry.maxDelay", retry.getMaxDelay(), "etcd.config.retry.max-delay");
		EtcdValidation.positive(errors, "retry.timeout", retry.getTimeout(), "etcd.config.retry.timeout");
		if (retry.getJitter().isNegative()) {
			errors.rejectValue("retry.jitter", "etcd.config.retry.invalid",
					"etcd.config.retry.jitter must not be negative");
		}
		EtcdValidation.positive(errors, "watch.checkInterval", properties.getWatch().getCheckInterval(),
				"etcd.config.watch.check-interval");
		EtcdValidation.positive(errors, "watch.retryDelay", properties.getWatch().getRetryDelay(),
				"etcd.config.watch.retry-delay");
		EtcdValidation.positive(errors, "watch.maxRetryDelay", properties.getWatch().getMaxRetryDelay(),
				"etcd.config.watch.max-retry-delay");
		if (properties.getWatch().getFloodThreshold() < 1) {
			errors.rejectValue("watch.floodThreshold", "etcd.config.watch.invalid",
					"etcd.config.watch.flood-threshold must be at least 1");
		}
		Duration window = properties.getWatch().getCoalesceWindow();
		if (window == null || window.isNegative()) {
			errors.rejectValue("watch.coalesceWindow", "etcd.config.watch.invalid",
					"etcd.config.watch.coalesce-window must not be negative");
		}
	}

	/**
	 * Retries of the start-up load. The defaults give up after about 15 seconds in which
	 * etcd answered nothing; while it answers (its revision, pages of keys), an attempt
	 * goes on from the page that failed and the budget starts again.
	 */
	public static class Retry {

		/**
		 * Retries after the first attempt.
		 */
		private long maxRetries = 6;

		/**
		 * Wait before the first retry.
		 */
		private Duration delay = Duration.ofMillis(500);

		/**
		 * Factor applied to the wait after each retry.
		 */
		private double multiplier = 1.5;

		/**
		 * Longest wait between two attempts.
		 */
		private Duration maxDelay = Duration.ofSeconds(4);

		/**
		 * Up to this much is added to each wait at random (growing with the multiplier),
		 * so that instances that failed together, such as a fleet started at once against
		 * an overloaded etcd, do not retry together. At most the delay.
		 */
		private Duration jitter = Duration.ofMillis(250);

		/**
		 * Total time allowed for all attempts and waits in which etcd answers nothing;
		 * start-up fails (or goes on without etcd) after it. A budget in which etcd
		 * answered is followed by another, with the pages read kept.
		 */
		private Duration timeout = Duration.ofSeconds(15);

		public long getMaxRetries() {
			return this.maxRetries;
		}

		public void setMaxRetries(long maxRetries) {
			this.maxRetries = maxRetries;
		}

		public Duration getDelay() {
			return this.delay;
		}

		public void setDelay(Duration delay) {
			this.delay = delay;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

		public Duration getJitter() {
			return this.jitter;
		}

		public void setJitter(Duration jitter) {
			this.jitter = jitter;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		/**
		 * The retry policy of these settings.
		 * @param retryable which failures are worth another attempt
		 * @return the policy
		 */
		public RetryPolicy toPolicy(Predicate<Throwable> retryable) {
			return RetryPolicy.builder()
				.maxRetries(this.maxRetries)
				.delay(this.delay)
				.multiplier(this.multiplier)
				.maxDelay(this.maxDelay)
				// At most the delay, so that a short delay set alone (as tests do) is not
				// drowned by the jitter.
				.jitter((this.jitter.compareTo(this.delay) > 0) ? this.delay : this.jitter)
				.timeout(this.timeout)
				.predicate(retryable)
				.build();
		}

	}

	/**
	 * How a change reaches the beans.
	 */
	public static class Refresh {

		/**
		 * Whether @Value fields and setter methods of singleton beans are updated in
		 * place when their properties change, without @RefreshScope.
		 */
		private boolean updateValues = true;

		public boolean isUpdateValues() {
			return this.updateValues;
		}

		public void setUpdateValues(boolean updateValues) {
			this.updateValues = updateValues;
		}

	}

	/**
	 * A local copy of the loaded keys, to start from when etcd cannot be reached.
	 */
	public static class Snapshot {

		/**
		 * File to keep the last loaded keys and their revision in, written atomically
		 * after each load and refresh, readable by its owner only. When etcd cannot be
		 * reached at start-up, the application starts from it with a warning and catches
		 * up when etcd answers. Off when not set.
		 */
		private Path path;

		/**
		 * Most revisions etcd may have moved on since the snapshot file for a start-up to
		 * begin from the file and read only the changes since (from etcd's history,
		 * before the application is ready). Beyond it, or when etcd compacted that
		 * history, every key is read as without a file. 0 always reads every key.
		 */
		private long catchUpRevisions = 10_000;

		public Path getPath() {
			return this.path;
		}

		public void setPath(Path path) {
			this.path = path;
		}

		public long getCatchUpRevisions() {
			return this.catchUpRevisions;
		}

		public void setCatchUpRevisions(long catchUpRevisions) {
			this.catchUpRevisions = catchUpRevisions;
		}

	}

}
