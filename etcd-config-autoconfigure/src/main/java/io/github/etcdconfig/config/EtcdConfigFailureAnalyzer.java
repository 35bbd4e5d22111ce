package io.github.etcdconfig.config;

import io.github.etcdconfig.client.EtcdEndpoints;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a failed start-up load: where the starter looked, what went wrong, and how to start without etcd.
 */
public class EtcdConfigFailureAnalyzer extends AbstractFailureAnalyzer<EtcdConfigLoadException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, EtcdConfigLoadException cause) {
		EtcdConfigDataResource resource = cause.getResource();
		String description = "Configuration could not be loaded from etcd.\n\n" + "    Endpoints: "
				+ EtcdEndpoints.describe(resource.getConnection().getEndpoints()) + "\n    Prefixes:  "
				+ String.join(", ", resource.getLayout().prefixes()) + "\n    Cause:     " + cause.getMessage();
		String action = "Check that etcd is running and reachable at the endpoints above (etcd.endpoints), and that "
				+ "etcd.username, etcd.password and etcd.ssl.bundle are right.\n"
				+ "To start without etcd when it cannot be reached, make it optional: "
				+ "spring.config.import=optional:etcd: or etcd.config.fail-fast=false. "
				+ "To not use etcd at all, set etcd.config.enabled=false.";
		return new FailureAnalysis(description, action, cause);
	}

}
