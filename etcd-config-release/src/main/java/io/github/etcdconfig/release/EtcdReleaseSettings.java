package io.github.etcdconfig.release;

import java.time.Duration;
import java.util.List;

import io.github.etcdconfig.config.EtcdConfigProperties;
import io.github.etcdconfig.discovery.EtcdDiscoveryProperties;

/**
 * Where configuration and release records live, and the limits of a release.
 *
 * @param prefixes the configuration prefix patterns, in increasing precedence, as
 * {@code etcd.config.prefixes}
 * @param releasesPrefix where release records are kept; never inside a configuration
 * prefix, so that applications never load them
 * @param servicesPrefix the registry prefix of {@code etcd-discovery}
 * ({@code etcd.discovery.prefix}), where instances report the configuration they have
 * applied
 * @param maxTxnOps the most operations etcd takes in one transaction (its
 * {@code --max-txn-ops})
 * @param keep how many releases of each layer are kept
 * @param timeout the deadline of every etcd call
 * @param proposalsPrefix where proposed releases are written for the running instances to
 * evaluate; never inside a configuration prefix
 */
public record EtcdReleaseSettings(List<String> prefixes, String releasesPrefix, String servicesPrefix, int maxTxnOps,
		int keep, Duration timeout, String proposalsPrefix) {

	/** The default place of release records. */
	public static final String DEFAULT_RELEASES_PREFIX = "/config-releases/";

	/**
	 * The default place of proposed releases, as the instances'
	 * etcd.config.verify.prefix.
	 */
	public static final String DEFAULT_PROPOSALS_PREFIX = "/config-proposals/";

	/** The default registry prefix. */
	public static final String DEFAULT_SERVICES_PREFIX = EtcdDiscoveryProperties.DEFAULT_PREFIX;

	/** etcd's default limit of operations in one transaction. */
	public static final int DEFAULT_MAX_TXN_OPS = 128;

	/** How many releases of a layer are kept by default. */
	public static final int DEFAULT_KEEP = 100;

	/** The default deadline of an etcd call. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Check the settings.
	 * @throws EtcdReleaseException (invalid) naming the wrong setting
	 */
	public EtcdReleaseSettings {
		prefixes = List.copyOf(prefixes);
		if (prefixes.isEmpty()) {
			throw EtcdReleaseException.invalid("The prefixes must name at least one key prefix");
		}
		for (String prefix : prefixes) {
			folder(prefix, "The prefix");
		}
		folder(releasesPrefix, "The releases prefix");
		folder(servicesPrefix, "The services prefix");
		folder(proposalsPrefix, "The proposals prefix");
		for (String prefix : prefixes) {
			apart(prefix, releasesPrefix, "releases prefix", "the release records", DEFAULT_RELEASES_PREFIX);
			apart(prefix, proposalsPrefix, "proposals prefix", "proposed releases", DEFAULT_PROPOSALS_PREFIX);
		}
		if (maxTxnOps < 2) {
			throw EtcdReleaseException.invalid("The transaction limit must be at least 2 (a change and its record)");
		}
		if (keep < 1) {
			throw EtcdReleaseException.invalid("At least one release of a layer must be kept");
		}
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw EtcdReleaseException.invalid("The timeout must be a positive duration");
		}
	}

	/**
	 * Settings with the default proposals prefix.
	 * @param prefixes the configuration prefix patterns
	 * @param releasesPrefix where release records are kept
	 * @param servicesPrefix the registry prefix
	 * @param maxTxnOps the most operations in one transaction
	 * @param keep how many releases of each layer are kept
	 * @param timeout the deadline of every etcd call
	 */
	public EtcdReleaseSettings(List<String> prefixes, String releasesPrefix, String servicesPrefix, int maxTxnOps,
			int keep, Duration timeout) {
		this(prefixes, releasesPrefix, servicesPrefix, maxTxnOps, keep, timeout, DEFAULT_PROPOSALS_PREFIX);
	}

	/**
	 * The defaults: the starter's default prefixes, {@value #DEFAULT_RELEASES_PREFIX},
	 * {@value #DEFAULT_SERVICES_PREFIX}, 128 operations, 100 releases kept, 5 s per call.
	 * @return the settings
	 */
	public static EtcdReleaseSettings defaults() {
		return new EtcdReleaseSettings(new EtcdConfigProperties().getPrefixes(), DEFAULT_RELEASES_PREFIX,
				DEFAULT_SERVICES_PREFIX, DEFAULT_MAX_TXN_OPS, DEFAULT_KEEP, DEFAULT_TIMEOUT);
	}

	/**
	 * These settings with other prefixes.
	 * @param prefixes the prefix patterns
	 * @return the settings
	 */
	public EtcdReleaseSettings withPrefixes(List<String> prefixes) {
		return new EtcdReleaseSettings(prefixes, this.releasesPrefix, this.servicesPrefix, this.maxTxnOps, this.keep,
				this.timeout, this.proposalsPrefix);
	}

	/**
	 * These settings with another proposals prefix.
	 * @param proposalsPrefix where proposed releases are written
	 * @return the settings
	 */
	public EtcdReleaseSettings withProposalsPrefix(String proposalsPrefix) {
		return new EtcdReleaseSettings(this.prefixes, this.releasesPrefix, this.servicesPrefix, this.maxTxnOps,
				this.keep, this.timeout, proposalsPrefix);
	}

	/**
	 * Where the proposals of a layer are written: the layer's prefix under the proposals
	 * prefix, so that the etcd role that may write {@code /config-apps/billing/} can be
	 * given {@code /config-proposals/config-apps/billing/} and no one else can make
	 * billing's instances evaluate a proposal.
	 * @param layer the layer
	 * @return the folder
	 */
	public String proposalsFolder(EtcdLayer layer) {
		return this.proposalsPrefix + layer.prefix().substring(1);
	}

	// Applications would load whatever lies in their prefixes.
	private static void apart(String pattern, String prefix, String what, String held, String example) {
		String fixed = fixedPart(pattern);
		if (prefix.startsWith(fixed) || fixed.startsWith(prefix)) {
			throw EtcdReleaseException.invalid("The " + what + " '" + prefix + "' overlaps the configuration prefix '"
					+ pattern + "': applications would load " + held + ". Keep it apart, for example " + example);
		}
	}

	private static void folder(String prefix, String what) {
		if (prefix == null || !prefix.startsWith("/") || !prefix.endsWith("/")) {
			throw EtcdReleaseException.invalid(what + " '" + prefix + "' must start and end with '/'");
		}
	}

	// The part of a pattern before its first placeholder: every layer it makes lies under
	// it.
	private static String fixedPart(String pattern) {
		int placeholder = pattern.indexOf('{');
		return (placeholder < 0) ? pattern : pattern.substring(0, placeholder);
	}

}
