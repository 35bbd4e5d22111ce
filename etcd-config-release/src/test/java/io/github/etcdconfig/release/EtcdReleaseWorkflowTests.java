package io.github.etcdconfig.release;

import java.time.Duration;
import java.util.List;

import io.github.etcdconfig.config.EtcdPropertyChange;
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
 * The operator's workflow that the CLI and the console share: a plan that carries what
 * each document changes, one set of masks, review, publish, follow, and what changed
 * since a plan was made.
 */
class EtcdReleaseWorkflowTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	EtcdReleases releases;

	EtcdReleaseWorkflow workflow;

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
		this.workflow = new EtcdReleaseWorkflow(this.releases);
	}

	@Test
	void aPlanCarriesThePropertiesEachDocumentChangesAndSoDoesItsRecord() {
		keys.put("/config-apps/documented/application.yml", "api:\n  rate-limit: 100\n  timeout: 5000\n");
		EtcdLayer layer = this.releases.layer("documented", null);
		EtcdReleasePlan plan = this.releases.planPush(layer,
				Files.yaml("api:\n  rate-limit: 200\n  timeout: 5000\nretries: 3\n"),
				new EtcdPushOptions(false, "application.yml"));

		EtcdKeyChange document = plan.changes().get(0);
		assertThat(document.name()).isNull();
		assertThat(document.properties()).containsExactly(
				new EtcdPropertyChange("api.rate-limit", 100, 200, "/config-apps/documented/application.yml"),
				new EtcdPropertyChange("retries", null, 3, "/config-apps/documented/application.yml"));
		EtcdRelease published = this.releases.publish(plan, "alice", null).get(0);
		assertThat(this.releases.history(layer, 1).get(0).changes().get(0).properties())
			.isEqualTo(document.properties());
		assertThat(published.changes()).isEqualTo(plan.changes());
	}

	@Test
	void theMasksHideSensitiveValuesAndDocumentsTextButShowTheirOtherProperties() {
		EtcdLayer layer = this.releases.layer("masked", null);
		EtcdReleasePlan plan = this.releases.planPush(layer, Files.yaml("database:\n  password: s3cret\n  host: db\n"),
				new EtcdPushOptions(false, "app.yml"));
		EtcdReleaseMasks masks = EtcdReleaseMasks.defaults();

		EtcdKeyChange shown = masks.show(plan).changes().get(0);
		assertThat(shown.newValue()).isEqualTo(EtcdReleaseMasks.MASK);
		assertThat(shown.properties()).extracting(EtcdPropertyChange::name, EtcdPropertyChange::newValue)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("database.host", "db"),
					org.assertj.core.groups.Tuple.tuple("database.password", EtcdReleaseMasks.MASK));
		assertThat(masks.isMasked("database.password")).isTrue();
		assertThat(masks.isMasked("database.host")).isFalse();
		assertThat(EtcdReleaseMasks.none().show(plan)).isEqualTo(plan);
	}

	@Test
	void aReviewRefusesAReleaseOverTheTransactionLimitAndSaysWhenNothingChanges() {
		keys.put("/config-apps/reviewed/a", "1");
		EtcdLayer layer = this.releases.layer("reviewed", null);
		EtcdReleaseReview same = this.workflow
			.review(this.releases.planPush(layer, Files.yaml("a: 1\n"), EtcdPushOptions.DEFAULT));
		assertThat(same.isPublishable()).isFalse();
		assertThat(same.notice()).isEqualTo("Nothing to release: etcd already holds these values.");

		EtcdReleases limited = new EtcdReleases(keys.client(),
				new EtcdReleaseSettings(EtcdReleaseSettings.defaults().prefixes(), "/config-releases/", "/services/", 2,
						100, EtcdReleaseSettings.DEFAULT_TIMEOUT));
		EtcdReleasePlan big = limited.planPush(layer, Files.yaml("a: 2\nb: 2\nc: 2\n"), EtcdPushOptions.DEFAULT);
		EtcdReleaseException refused = catchThrowableOfType(EtcdReleaseException.class,
				() -> new EtcdReleaseWorkflow(limited).review(big));
		assertThat(refused.getReason()).isEqualTo(EtcdReleaseException.Reason.INVALID);
		assertThat(refused).hasMessageContaining("limit of 2");
	}

	@Test
	void aPublishedGrayReleaseIsFollowedOnItsProfileAndAMessageIsTrimmed() {
		EtcdLayer canary = this.releases.layer("grey", "canary");
		EtcdReleaseReview review = this.workflow
			.review(this.releases.planPush(canary, Files.yaml("feature: on\n"), EtcdPushOptions.DEFAULT));

		EtcdPublication published = this.workflow.publish(review, "alice", "  try it  ");

		assertThat(published.application()).isEqualTo("grey");
		assertThat(published.profile()).isEqualTo("canary");
		assertThat(published.revision())
			.isEqualTo(keys.get("/config-apps/grey/profiles/canary/feature").getModRevision());
		assertThat(published.releases().get(0).message()).isEqualTo("try it");
		assertThat(this.workflow.awaitRollout(published, Duration.ofMillis(100)).complete()).isTrue();
	}

	@Test
	void whatChangedSinceAPlanWasMadeTellsReleasesFromKeysWrittenOutsideThem() {
		EtcdLayer layer = this.releases.layer("since", null);
		this.releases.publish(this.releases.planPush(layer, Files.yaml("a: 1\n"), EtcdPushOptions.DEFAULT), "alice",
				null);
		EtcdReleasePlan mine = this.releases.planPush(layer, Files.yaml("a: 2\n"), EtcdPushOptions.DEFAULT);
		EtcdRelease other = this.releases
			.publish(this.releases.planPush(layer, Files.yaml("b: 1\n"), EtcdPushOptions.DEFAULT), "bob", null)
			.get(0);
		keys.put("/config-apps/since/c", "etcdctl");

		List<EtcdChangesSince> since = this.releases.changesSince(mine, 10);

		assertThat(since).hasSize(1);
		assertThat(since.get(0).layer()).isEqualTo(layer);
		assertThat(since.get(0).releases()).containsExactly(other);
		assertThat(since.get(0).outside()).extracting(EtcdProperty::name).containsExactly("c");
	}

}
