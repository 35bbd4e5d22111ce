package io.github.etcdconfig.cli;

import java.time.Duration;

import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the command line says when an instance rejects a release (issue 22), against
 * registrations written in the protocol's format; the end-to-end tests run real
 * instances.
 */
class EtcdConfigCliVerifyTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	static Cli cli;

	@BeforeAll
	static void connect() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		cli = new Cli("--endpoints", etcd.cluster().endpointsProperty());
	}

	@AfterAll
	static void close() {
		keys.close();
	}

	@Test
	void statusWaitExitsSixAtOnceWhenAnInstanceRejectsTheRevisionNamingItAndTheProperty() {
		long revision = keys.put("/config-apps/cart/cart/timeout", "5 sec");
		register("cart", "cart-1", "\"revision\":1,\"verifies\":true");
		register("cart", "cart-2", "\"revision\":1,\"verifies\":true,\"rejected\":{\"revision\":" + revision
				+ ",\"properties\":[{\"name\":\"cart.timeout\",\"reason\":\"failed to convert to Duration\"}]}");

		long start = System.nanoTime();
		Cli.Result waited = cli.run("status", "--app", "cart", "--wait", Long.toString(revision), "--timeout", "30s");

		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		assertThat(waited.exitCode()).isEqualTo(EtcdConfigCli.REJECTED);
		assertThat(waited.err()).contains("Rejected: 1 instance(s) of cart refused revision " + revision,
				"cart/cart-2 rejects cart.timeout: failed to convert to Duration");
		assertThat(waited.out()).containsPattern("cart/cart-2 .* REJECTED +REJECTED revision " + revision);

		Cli.Result status = cli.run("status", "--app", "cart");
		assertThat(status.exitCode()).isZero();
		assertThat(status.out()).contains("REJECTED revision " + revision + ": cart.timeout");
	}

	@Test
	void theExitCodesListRejectionByAnInstance() {
		assertThat(new Cli().run("--help").out()).contains("6  rejected by an instance");
	}

	private static void register(String service, String id, String config) {
		keys.put("/services/" + service + "/" + id, "{\"instanceId\":\"" + id + "\",\"host\":\"127.0.0.1\",\"port\":"
				+ (9100 + id.length()) + ",\"status\":\"healthy\",\"config\":{" + config + "}}");
	}

}
