package io.github.etcdconfig.config;

import io.github.etcdconfig.client.EtcdEndpoints;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a failed start-up load: where the starter looked, what went wrong, and the
 * remedy for that cause. An unreachable etcd, refused credentials, a broken document and
 * a client that cannot be set up each get their own action; a setting with a wrong value
 * fails before, with Spring Boot's own analysis naming the property.
 */
public class EtcdConfigFailureAnalyzer extends AbstractFailureAnalyzer<EtcdConfigLoadException> {

	private static final String OPTIONAL = "To start without etcd when it cannot be read, make it optional: "
			+ "spring.config.import=optional:etcd: or etcd.config.fail-fast=false. "
			+ "To not use etcd at all, set etcd.config.enabled=false.";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, EtcdConfigLoadException cause) {
		EtcdConfigDataResource resource = cause.getResource();
		String description = "Configuration could not be loaded from etcd.\n\n" + "    Endpoints: "
				+ EtcdEndpoints.describe(resource.getConnection().getEndpoints()) + "\n    Prefixes:  "
				+ String.join(", ", resource.getLayout().prefixes()) + "\n    Cause:     " + cause.getMessage();
		return new FailureAnalysis(description, action(cause), cause);
	}

	private static String action(EtcdConfigLoadException cause) {
		return switch (cause.getReason()) {
			case UNREACHABLE -> "Check that etcd is running and reachable at the endpoints above (etcd.endpoints), "
					+ "and that etcd.request-timeout gives it enough time.\n" + OPTIONAL;
			case ACCESS_DENIED -> "Check etcd.username and etcd.password, and that the user has a role that may read "
					+ "the prefixes above (etcdctl role get <role>). Retrying does not help until they are fixed.";
			case BROKEN_DOCUMENT -> "Fix the document in etcd key " + cause.getKey() + " at the line and column "
					+ "above, or delete the key. Its other keys and layers are fine. To start anyway and skip the "
					+ "broken key with an ERROR, make etcd optional: spring.config.import=optional:etcd: or "
					+ "etcd.config.fail-fast=false.";
			case CLIENT_SETUP -> "Check the settings of the etcd client: etcd.ssl.bundle and the SSL bundle it names, "
					+ "https:// in etcd.endpoints, and etcd.authority; or the client factory given to EtcdBootstrapper.";
			case FAILED -> "etcd refused the read for the cause above. Check the etcd server's log and version, and "
					+ "the settings etcd.endpoints and etcd.namespace.\n" + OPTIONAL;
		};
	}

}
