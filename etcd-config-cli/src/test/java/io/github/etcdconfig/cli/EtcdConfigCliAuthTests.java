package io.github.etcdconfig.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import io.etcd.jetcd.options.OptionsUtil;
import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static io.github.etcdconfig.test.EtcdKeys.await;
import static io.github.etcdconfig.test.EtcdKeys.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 3-member cluster with authentication, and an operator whose role may write only
 * billing's layers, their release records and their proposals, and read billing's
 * instances: billing's releases go through, anything else is denied with exit code 5 and
 * nothing written.
 */
class EtcdConfigCliAuthTests {

	private static final String PASSWORD = "Rel3ase-pa55-xyzzy";

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension(EtcdCluster.builder().members(3));

	static EtcdKeys root;

	static Cli billingOperator;

	@TempDir
	Path dir;

	@BeforeAll
	static void enableAuth() {
		try (Client admin = etcd.cluster().newClient()) {
			await(admin.getKVClient().put(bytes("/config-apps/payment/greeting"), bytes("hello")));
			Auth auth = admin.getAuthClient();
			await(auth.roleAdd(bytes("billing-releaser")));
			// The least-privilege role of docs/releases.md: billing's layers, their
			// records
			// and their proposals, and the registry of billing's instances to read.
			for (String prefix : new String[] { "/config-apps/billing/", "/config-releases/config-apps/billing/",
					"/config-proposals/config-apps/billing/" }) {
				await(auth.roleGrantPermission(bytes("billing-releaser"), bytes(prefix),
						OptionsUtil.prefixEndOf(bytes(prefix)), Permission.Type.READWRITE));
			}
			await(auth.roleGrantPermission(bytes("billing-releaser"), bytes("/services/billing/"),
					OptionsUtil.prefixEndOf(bytes("/services/billing/")), Permission.Type.READ));
			await(auth.userAdd(bytes("billing-ops"), bytes(PASSWORD)));
			await(auth.userGrantRole(bytes("billing-ops"), bytes("billing-releaser")));
		}
		etcd.cluster().enableAuth("root-secret");
		root = new EtcdKeys(etcd.cluster().newClient());
		billingOperator = new Cli("--endpoints", etcd.cluster().endpointsProperty(), "--user", "billing-ops",
				"--password", PASSWORD);
	}

	@AfterAll
	static void close() {
		root.close();
	}

	@Test
	void theOperatorReleasesAndRollsBackBillingsLayers() throws IOException {
		Path file = Files.writeString(this.dir.resolve("billing.yml"), "api:\n  rate-limit: 200\n");
		assertThat(billingOperator.run("push", file.toString(), "--app", "billing", "--yes").exitCode()).isZero();
		assertThat(billingOperator.run("push", file.toString(), "--app", "billing", "--profile", "canary", "--yes")
			.exitCode()).isZero();
		assertThat(billingOperator.run("rollback", "--app", "billing", "--to", "0", "--yes").exitCode()).isZero();
		assertThat(root.value("/config-apps/billing/api/rate-limit")).isNull();
		assertThat(root.value("/config-apps/billing/profiles/canary/api/rate-limit")).isEqualTo("200");
	}

	@Test
	void anotherApplicationsLayerIsDeniedWithExitFiveAndNothingWritten() throws IOException {
		Path file = Files.writeString(this.dir.resolve("payment.yml"), "greeting: hi\n");
		Cli.Result denied = billingOperator.run("push", file.toString(), "--app", "payment", "--yes");
		assertThat(denied.exitCode()).isEqualTo(EtcdConfigCli.UNAVAILABLE);
		assertThat(denied.err()).contains("PERMISSION_DENIED");
		assertThat(root.value("/config-apps/payment/greeting")).isEqualTo("hello");
	}

	@Test
	void theSharedLayerIsDeniedWithExitFive() throws IOException {
		Path file = Files.writeString(this.dir.resolve("shared.yml"), "greeting: hi\n");
		assertThat(billingOperator.run("push", file.toString(), "--yes").exitCode())
			.isEqualTo(EtcdConfigCli.UNAVAILABLE);
		assertThat(root.value("/config/greeting")).isNull();
	}

	@Test
	void aWrongPasswordExitsFiveAndIsNeverShown() {
		Cli.Result wrong = new Cli("--endpoints", etcd.cluster().endpointsProperty(), "--user",
				"billing-ops:wrong-" + PASSWORD)
			.run("history", "--app", "billing", "-o", "json");
		assertThat(wrong.exitCode()).isEqualTo(EtcdConfigCli.UNAVAILABLE);
		assertThat(wrong.json().get("error")).asString().contains("authentication failed");
		assertThat(wrong.out() + wrong.err()).doesNotContain(PASSWORD);
	}

}
