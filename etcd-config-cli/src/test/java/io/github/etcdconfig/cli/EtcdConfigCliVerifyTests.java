package io.github.etcdconfig.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
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

		// Far from the 30 s timeout.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		assertThat(waited.exitCode()).isEqualTo(EtcdConfigCli.REJECTED);
		assertThat(waited.err()).contains("Rejected: 1 instance(s) of cart refused revision " + revision,
				"cart/cart-2 rejects cart.timeout: failed to convert to Duration");
		assertThat(waited.out()).containsPattern("cart/cart-2 .* REJECTED +REJECTED revision " + revision);

		Cli.Result status = cli.run("status", "--app", "cart");
		assertThat(status.exitCode()).isZero();
		assertThat(status.out()).contains("REJECTED revision " + revision + ": cart.timeout");
	}

	@Test
	void aPushAnInstanceRejectsExitsSixNamingTheInstanceAndPropertyAndWritesNothing() throws Exception {
		keys.put("/config-apps/shop/server/port", "8080");
		register("shop", "shop-1", "\"revision\":1,\"verifies\":true");
		Path file = Files.createTempFile("shop", ".yml");
		Files.writeString(file, "server.port: abc\n");
		// A stand-in for a verifying instance: it rejects every proposal of its layer.
		try (Watch.Watcher instance = keys.client()
			.getWatchClient()
			.watch(EtcdKeys.bytes("/config-proposals/config-apps/shop/"), WatchOption.builder().isPrefix(true).build(),
					Watch.listener((response) -> response.getEvents()
						.stream()
						.filter((event) -> event.getEventType() == WatchEvent.EventType.PUT)
						.forEach((event) -> keys.client()
							.getKVClient()
							.put(EtcdKeys.bytes("/services/shop/shop-1"), EtcdKeys.bytes(entry("shop-1",
									"\"revision\":1,\"verifies\":true,\"verdicts\":[{\"proposal\":\""
											+ id(event.getKeyValue().getKey().toString(StandardCharsets.UTF_8))
											+ "\",\"verdict\":\"REJECTED\",\"properties\":[{\"name\":\"server.port\","
											+ "\"reason\":\"failed to convert to int\"}]}]"))))))) {
			Cli.Result push = cli.run("push", file.toString(), "--app", "shop", "--yes");

			assertThat(push.exitCode()).isEqualTo(EtcdConfigCli.REJECTED);
			assertThat(push.out()).contains("shop/shop-1 rejected server.port: failed to convert to int");
			assertThat(push.err())
				.contains("Rejected by 1 instance(s); nothing was written", "shop/shop-1 rejected server.port")
				.doesNotContain("abc");
			assertThat(keys.value("/config-apps/shop/server/port")).isEqualTo("8080");
			assertThat(keys.values("/config-proposals/")).isEmpty();

			Cli.Result unverified = cli.run("push", file.toString(), "--app", "shop", "--yes", "--no-verify");
			assertThat(unverified.exitCode()).isZero();
			assertThat(unverified.out()).contains("Not verified by the running instances (--no-verify).");
			assertThat(keys.value("/config-apps/shop/server/port")).isEqualTo("abc");
		}
		finally {
			Files.deleteIfExists(file);
		}
	}

	@Test
	void aPushWithoutAnyRegisteredInstanceSaysNothingWasVerified() throws Exception {
		Path file = Files.createTempFile("alone", ".yml");
		Files.writeString(file, "greeting: hi\n");
		try {
			Cli.Result push = cli.run("push", file.toString(), "--app", "alone", "--yes");
			assertThat(push.exitCode()).isZero();
			assertThat(push.out()).contains("Nothing was verified: no instance is registered.");
		}
		finally {
			Files.deleteIfExists(file);
		}
	}

	@Test
	void theExitCodesListRejectionByAnInstance() {
		assertThat(new Cli().run("--help").out()).contains("6  rejected by an instance");
	}

	private static void register(String service, String id, String config) {
		keys.put("/services/" + service + "/" + id, entry(id, config));
	}

	private static String entry(String id, String config) {
		return "{\"instanceId\":\"" + id + "\",\"host\":\"127.0.0.1\",\"port\":" + (9100 + id.length())
				+ ",\"status\":\"healthy\",\"config\":{" + config + "}}";
	}

	private static String id(String proposalKey) {
		return proposalKey.substring(proposalKey.lastIndexOf('/') + 1);
	}

}
