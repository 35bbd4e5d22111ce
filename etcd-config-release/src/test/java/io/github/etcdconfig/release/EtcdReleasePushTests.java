package io.github.etcdconfig.release;

import java.util.List;
import java.util.Map;

import io.github.etcdconfig.release.support.Files;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A push: the difference against the layer, one transaction for the changes and their
 * record, and nothing written when someone changed the layer meanwhile or the release
 * does not fit in one transaction.
 */
class EtcdReleasePushTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	EtcdReleases releases;

	@BeforeAll
	static void connect() {
		keys = new EtcdKeys(etcd.cluster().newClient());
	}

	@AfterAll
	static void close() {
		keys.close();
	}

	@BeforeEach
	void releases() {
		this.releases = new EtcdReleases(keys.client(), EtcdReleaseSettings.defaults());
	}

	@Test
	void aPushWritesItsChangesAndItsRecordAtOneRevision() {
		keys.put("/config-apps/billing/api/rate-limit", "100");
		keys.put("/config-apps/billing/api/timeout", "5000");
		EtcdLayer billing = this.releases.layer("billing", null);
		EtcdReleasePlan plan = this.releases.planPush(billing,
				Files.yaml("api:\n  rate-limit: 200\n  timeout: 5000\ndatabase:\n  host: postgres\n"),
				EtcdPushOptions.DEFAULT);

		assertThat(plan.changes()).containsExactly(
				new EtcdKeyChange("/config-apps/billing/api/rate-limit", "api.rate-limit", EtcdKeyChange.Type.CHANGED,
						"100", "200"),
				new EtcdKeyChange("/config-apps/billing/database/host", "database.host", EtcdKeyChange.Type.ADDED, null,
						"postgres"));
		EtcdRelease release = this.releases.publish(plan, "alice@host", "raise the limit").get(0);

		assertThat(keys.get("/config-apps/billing/api/rate-limit").getModRevision()).isEqualTo(release.revision());
		assertThat(keys.get("/config-apps/billing/database/host").getModRevision()).isEqualTo(release.revision());
		assertThat(keys.get("/config-releases/config-apps/billing/releases/0000000001").getCreateRevision())
			.isEqualTo(release.revision());
		EtcdRelease recorded = this.releases.history(billing, 10).get(0);
		assertThat(recorded).isEqualTo(release);
		assertThat(recorded.author()).isEqualTo("alice@host");
		assertThat(recorded.message()).isEqualTo("raise the limit");
		assertThat(List.of(recorded.added(), recorded.changed(), recorded.removed())).containsExactly(1, 1, 0);
	}

	@Test
	void pruneDeletesTheLayersOtherKeysButNeverAKeyOfAnotherLayer() {
		keys.put("/config/shared", "kept");
		keys.put("/config-apps/pruned/old", "gone");
		keys.put("/config-apps/pruned/profiles/prod/old", "kept");
		EtcdLayer layer = this.releases.layer("pruned", null);
		EtcdReleasePlan plan = this.releases.planPush(layer, Files.yaml("fresh: 1\n"), new EtcdPushOptions(true, null));

		assertThat(plan.changes()).extracting(EtcdKeyChange::key, EtcdKeyChange::type)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("/config-apps/pruned/fresh", EtcdKeyChange.Type.ADDED),
					org.assertj.core.groups.Tuple.tuple("/config-apps/pruned/old", EtcdKeyChange.Type.REMOVED));
		this.releases.publish(plan, "alice", null);
		assertThat(keys.values("/config-apps/pruned/")).containsOnly(Map.entry("/config-apps/pruned/fresh", "1"),
				Map.entry("/config-apps/pruned/profiles/prod/old", "kept"));
		assertThat(keys.value("/config/shared")).isEqualTo("kept");
	}

	@Test
	void aChangeToTheLayerAfterItWasReadIsAConflictAndNothingIsWritten() {
		EtcdLayer layer = this.releases.layer("contested", null);
		keys.put("/config-apps/contested/a", "1");
		keys.put("/config-apps/contested/b", "1");
		for (Runnable meanwhile : List.<Runnable>of(() -> keys.put("/config-apps/contested/other", "x"),
				() -> keys.put("/config-apps/contested/a", "changed"), () -> keys.delete("/config-apps/contested/b"))) {
			EtcdReleasePlan plan = this.releases.planPush(layer, Files.yaml("a: 2\nb: 2\n"), EtcdPushOptions.DEFAULT);
			meanwhile.run();
			Map<String, String> before = keys.values("/config-apps/contested/");

			EtcdReleaseException conflict = catchThrowableOfType(EtcdReleaseException.class,
					() -> this.releases.publish(plan, "alice", null));
			assertThat(conflict.getReason()).isEqualTo(EtcdReleaseException.Reason.CONFLICT);
			assertThat(conflict).hasMessageContaining("/config-apps/contested/")
				.hasMessageContaining("nothing was written");
			assertThat(keys.values("/config-apps/contested/")).isEqualTo(before);
			assertThat(this.releases.history(layer, 10)).isEmpty();
		}
	}

	@Test
	void aReleaseOverTheTransactionLimitIsRefusedNamingTheLimitAndFitsAsOneDocumentKey() {
		EtcdReleases limited = new EtcdReleases(keys.client(),
				new EtcdReleaseSettings(EtcdReleaseSettings.defaults().prefixes(), "/config-releases/", "/services/",
						10, 100, EtcdReleaseSettings.DEFAULT_TIMEOUT));
		EtcdLayer layer = limited.layer("big", null);
		StringBuilder yaml = new StringBuilder();
		for (int i = 0; i < 20; i++) {
			yaml.append("key").append(i).append(": ").append(i).append('\n');
		}
		EtcdReleasePlan keyPerProperty = limited.planPush(layer, Files.yaml(yaml.toString()), EtcdPushOptions.DEFAULT);
		long revision = keys.revision();

		EtcdReleaseException refused = catchThrowableOfType(EtcdReleaseException.class,
				() -> limited.publish(keyPerProperty, "alice", null));
		assertThat(refused.getReason()).isEqualTo(EtcdReleaseException.Reason.INVALID);
		assertThat(refused).hasMessageContaining("21 operations")
			.hasMessageContaining("limit of 10")
			.hasMessageContaining("--document");
		assertThat(keys.revision()).isEqualTo(revision);

		EtcdReleasePlan document = limited.planPush(layer, Files.yaml(yaml.toString()),
				new EtcdPushOptions(false, "application.yml"));
		limited.publish(document, "alice", null);
		assertThat(limited.effective(layer).properties()).hasSize(20);
	}

	@Test
	void onlyTheLastReleasesOfALayerAreKept() {
		EtcdReleases keepingThree = new EtcdReleases(keys.client(),
				new EtcdReleaseSettings(EtcdReleaseSettings.defaults().prefixes(), "/config-releases/", "/services/",
						128, 3, EtcdReleaseSettings.DEFAULT_TIMEOUT));
		EtcdLayer layer = keepingThree.layer("kept", null);
		for (int i = 1; i <= 5; i++) {
			keepingThree.publish(keepingThree.planPush(layer, Files.yaml("n: " + i + "\n"), EtcdPushOptions.DEFAULT),
					"alice", null);
		}
		assertThat(keepingThree.history(layer, 10)).extracting(EtcdRelease::id).containsExactly(5L, 4L, 3L);
		assertThat(keys.values("/config-releases/config-apps/kept/")).hasSize(3);
	}

	@Test
	void aRollbackAfterCompactionBringsTheLayerBackAsANewRelease() {
		EtcdLayer layer = this.releases.layer("rolled", null);
		this.releases.publish(this.releases.planPush(layer, Files.yaml("a: 1\nb: 1\n"), EtcdPushOptions.DEFAULT),
				"alice", "first");
		this.releases.publish(this.releases.planPush(layer, Files.yaml("a: 2\nc: 3\n"), EtcdPushOptions.DEFAULT), "bob",
				"second");
		this.releases.publish(this.releases.planPush(layer, Files.yaml("a: 3\n"), new EtcdPushOptions(true, null)),
				"carol", "third");
		keys.compact(keys.revision());

		EtcdReleasePlan plan = this.releases.planRollback(layer, 1);
		EtcdRelease rollback = this.releases.publish(plan, "dave", "back to the first").get(0);

		assertThat(keys.values("/config-apps/rolled/")).containsOnly(Map.entry("/config-apps/rolled/a", "1"),
				Map.entry("/config-apps/rolled/b", "1"));
		assertThat(rollback.id()).isEqualTo(4);
		assertThat(rollback.kind()).isEqualTo(EtcdReleasePlan.Kind.ROLLBACK);
		assertThat(rollback.detail()).isEqualTo("to release 1");
		assertThat(this.releases.propertyHistory(layer, "a", 10)).extracting(EtcdPropertyRelease::newValue)
			.containsExactly("1", "3", "2", "1");
	}

}
