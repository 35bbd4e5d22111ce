package io.github.etcdconfig.cli;

import java.util.List;

import io.github.etcdconfig.config.EtcdConfigProperties;
import io.github.etcdconfig.release.EtcdReleaseSettings;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Where configuration and release records live, and the limits of a release.
 */
public class EtcdCliSettings {

	@Option(scope = ScopeType.INHERIT, names = "--prefixes", split = ",", paramLabel = "PATTERN",
			defaultValue = EtcdConfigProperties.DEFAULT_PREFIXES,
			description = "configuration prefixes, lowest precedence first, as the applications' etcd.config.prefixes "
					+ "(default: ${DEFAULT-VALUE})")
	List<String> prefixes;

	@Option(scope = ScopeType.INHERIT, names = "--releases-prefix", paramLabel = "PREFIX",
			defaultValue = EtcdReleaseSettings.DEFAULT_RELEASES_PREFIX,
			description = "where release records are kept, outside every configuration prefix (default: "
					+ "${DEFAULT-VALUE})")
	String releasesPrefix;

	@Option(scope = ScopeType.INHERIT, names = "--services-prefix", paramLabel = "PREFIX",
			defaultValue = EtcdReleaseSettings.DEFAULT_SERVICES_PREFIX,
			description = "where instances register, as etcd.discovery.prefix (default: ${DEFAULT-VALUE})")
	String servicesPrefix;

	@Option(scope = ScopeType.INHERIT, names = "--proposals-prefix", paramLabel = "PREFIX",
			defaultValue = EtcdReleaseSettings.DEFAULT_PROPOSALS_PREFIX,
			description = "where a release is proposed to the running instances before it is published, as their "
					+ "etcd.config.verify.prefix; outside every configuration prefix (default: ${DEFAULT-VALUE})")
	String proposalsPrefix;

	@Option(scope = ScopeType.INHERIT, names = "--max-txn-ops", paramLabel = "N",
			defaultValue = "" + EtcdReleaseSettings.DEFAULT_MAX_TXN_OPS,
			description = "etcd's --max-txn-ops: the most operations in one transaction (default: ${DEFAULT-VALUE})")
	int maxTxnOps;

	@Option(scope = ScopeType.INHERIT, names = "--keep", paramLabel = "N",
			defaultValue = "" + EtcdReleaseSettings.DEFAULT_KEEP,
			description = "releases kept per layer (default: ${DEFAULT-VALUE})")
	int keep;

	EtcdReleaseSettings settings(EtcdCliConnection connection) {
		return new EtcdReleaseSettings(this.prefixes, this.releasesPrefix, this.servicesPrefix, this.maxTxnOps,
				this.keep, connection.timeout(), this.proposalsPrefix);
	}

}
