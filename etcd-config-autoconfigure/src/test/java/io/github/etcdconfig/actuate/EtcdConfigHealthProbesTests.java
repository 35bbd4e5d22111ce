package io.github.etcdconfig.actuate;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kubernetes probes: an etcd outage must never restart a pod, so {@code etcdConfig} stays
 * out of the liveness group, and takes the pod out of load balancing only when the user
 * puts it in the readiness group.
 */
class EtcdConfigHealthProbesTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@Test
	void isInNeitherProbeByDefault() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(),
				"management.endpoint.health.probes.enabled=true")) {
			HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
			assertThat(groups.get("liveness").isMember("etcdConfig")).isFalse();
			assertThat(groups.get("readiness").isMember("etcdConfig")).isFalse();
			assertThat(groups.getPrimary().isMember("etcdConfig")).isTrue();
		}
	}

	@Test
	void joinsReadinessButNotLivenessWhenTheUserIncludesIt() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(),
				"management.endpoint.health.probes.enabled=true",
				"management.endpoint.health.group.readiness.include=readinessState,etcdConfig")) {
			HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
			assertThat(groups.get("readiness").isMember("etcdConfig")).isTrue();
			assertThat(groups.get("readiness").isMember("readinessState")).isTrue();
			assertThat(groups.get("liveness").isMember("etcdConfig")).isFalse();
		}
	}

}
