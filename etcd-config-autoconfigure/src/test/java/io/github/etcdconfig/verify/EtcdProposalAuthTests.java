package io.github.etcdconfig.verify;

import java.util.List;
import java.util.Map;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import io.etcd.jetcd.options.OptionsUtil;
import io.github.etcdconfig.ranges.EtcdKeyRange;
import io.github.etcdconfig.refresh.EtcdRejectedProperty;
import io.github.etcdconfig.support.ShopBeans;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static io.github.etcdconfig.test.EtcdKeys.await;
import static io.github.etcdconfig.test.EtcdKeys.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance whose etcd user has exactly the documented least-privilege role (read its
 * layers and their proposals, write its registration) watches the proposals it answers
 * and judges them: it never asks to watch the whole proposals prefix.
 */
class EtcdProposalAuthTests {

	private static final String PASSWORD = "Ver1fy-pa55-xyzzy";

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys root;

	static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() {
		try (Client admin = etcd.cluster().newClient()) {
			await(admin.getKVClient().put(bytes("/config/shop/name"), bytes("corner")));
			await(admin.getKVClient().put(bytes("/config-apps/billing/shop/pool-size"), bytes("6")));
			Auth auth = admin.getAuthClient();
			await(auth.roleAdd(bytes("billing-app")));
			for (String prefix : new String[] { "/config/", "/config-apps/billing/", "/config-proposals/config/",
					"/config-proposals/config-apps/billing/" }) {
				await(auth.roleGrantPermission(bytes("billing-app"), bytes(prefix),
						OptionsUtil.prefixEndOf(bytes(prefix)), Permission.Type.READ));
			}
			await(auth.roleGrantPermission(bytes("billing-app"), bytes("/services/billing/"),
					OptionsUtil.prefixEndOf(bytes("/services/billing/")), Permission.Type.READWRITE));
			await(auth.userAdd(bytes("billing"), bytes(PASSWORD)));
			await(auth.userGrantRole(bytes("billing"), bytes("billing-app")));
		}
		etcd.cluster().enableAuth("root-secret");
		root = new EtcdKeys(etcd.cluster().newClient());
		context = Apps.run(etcd.cluster(), new Class<?>[] { ShopBeans.class }, "spring.application.name=billing",
				"spring.profiles.active=blue", "etcd.username=billing", "etcd.password=" + PASSWORD);
	}

	@AfterAll
	static void stop() {
		context.close();
		root.close();
	}

	@Test
	void aProposalForTheApplicationsLayerIsJudged() {
		EtcdConfigVerdict verdict = propose("/config-apps/billing/",
				Map.of("/config-apps/billing/shop/pool-size", "0"));

		assertThat(verdict.verdict()).isEqualTo(EtcdConfigVerdict.Verdict.REJECTED);
		assertThat(verdict.properties()).extracting(EtcdRejectedProperty::name).containsExactly("shop.pool-size");
	}

	@Test
	void aProposalForTheSharedLayerIsJudged() {
		EtcdConfigVerdict verdict = propose("/config/", Map.of("/config/shop/name", "kiosk"));

		assertThat(verdict.verdict()).isEqualTo(EtcdConfigVerdict.Verdict.ACCEPTED);
	}

	@Test
	void aProposalForAProfileItDoesNotRunIsIgnored() {
		String green = "/config-apps/billing/profiles/green/";

		EtcdConfigVerdict verdict = propose(green, Map.of(green + "shop/pool-size", "0"));

		assertThat(verdict.verdict()).isEqualTo(EtcdConfigVerdict.Verdict.IGNORED);
	}

	@Test
	void theProposalsWatchCoversTheLayersAndTheApplicationsFolderOnly() {
		assertThat(context.getBean(EtcdProposalEvaluator.class).ranges()).containsExactly(
				EtcdKeyRange.prefix("/config-proposals/config-apps/billing/"),
				EtcdKeyRange.prefix("/config-proposals/config/"));
	}

	private static EtcdConfigVerdict propose(String layer, Map<String, String> puts) {
		return EtcdProposalVerificationTests.propose(context, root, layer, puts, List.of());
	}

}
