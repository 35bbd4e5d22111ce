package io.github.etcdconfig.release;

import java.util.List;
import java.util.Map;

import io.github.etcdconfig.release.support.Files;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Which applications and profiles there are, as a console lists them: from the layout's
 * folders, the release records and the registry, never from the shared layer's property
 * groups.
 */
class EtcdReleaseApplicationsTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	static EtcdReleases releases;

	@BeforeAll
	static void connect() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		releases = new EtcdReleases(keys.client(), EtcdReleaseSettings.defaults());
		keys.put("/config/database/host", "postgres");
		keys.put("/config-apps/billing/api/rate-limit", "100");
		keys.put("/config-apps/billing/profiles/prod/api/rate-limit", "500");
		keys.put("/config-apps/payment/greeting", "hello");
		keys.put("/config-apps/loose-key", "in the folder itself, no application");
		keys.put("/services/orders/orders-1", "{\"endpoint\":\"http://127.0.0.1:9000\",\"status\":\"healthy\"}");
		keys.put("/services/orders/orders-2",
				"{\"instanceId\":\"orders-2\",\"serviceId\":\"orders\",\"host\":\"127.0.0.1\","
						+ "\"port\":9001,\"uri\":\"http://127.0.0.1:9001\",\"status\":\"healthy\","
						+ "\"metadata\":{\"profiles\":\"canary\"},\"config\":{\"revision\":7,\"stale\":false}}");
	}

	@AfterAll
	static void close() {
		keys.close();
	}

	@Test
	void applicationsAreTheFoldersOfTheApplicationFoldersAndTheServicesOfTheRegistry() {
		assertThat(releases.applications()).containsExactly("billing", "orders", "payment");
	}

	@Test
	void aProfileWhoseLayerWasEmptiedByItsPromotionIsStillListedForItsHistory() {
		releases.publish(releases.planPush(releases.layer("billing", "canary"), Files.yaml("api.rate-limit: 150\n"),
				EtcdPushOptions.DEFAULT), "alice", null);
		releases.publish(releases.planPromote("billing", "canary"), "alice", null);

		assertThat(keys.values("/config-apps/billing/profiles/canary/")).isEmpty();
		assertThat(releases.profiles("billing")).containsExactly("canary", "prod");
		assertThat(releases.profiles("payment")).isEmpty();
	}

	@Test
	void anInstanceCarriesItsRegisteredMetadataSuchAsTheProfilesItRuns() {
		assertThat(releases.instances("orders")).extracting(EtcdInstanceStatus::instance, EtcdInstanceStatus::metadata)
			.containsExactly(tuple("orders-1", Map.of()), tuple("orders-2", Map.of("profiles", "canary")));
	}

	@Test
	void withTheOldLayoutTheSharedLayersGroupsAreNoApplications() {
		EtcdReleases old = new EtcdReleases(keys.client(), EtcdReleaseSettings.defaults()
			.withPrefixes(List.of("/config/", "/config/{application}/", "/config/{application}/{profile}/")));

		assertThat(old.applications()).containsExactly("orders");
	}

}
