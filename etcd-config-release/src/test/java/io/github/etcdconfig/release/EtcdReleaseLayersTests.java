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
import static org.assertj.core.api.Assertions.tuple;

/**
 * What the release API tells and plans about an application's layers, so that every tool
 * agrees: its layers and newest release, what a property overrides, an edit that changes
 * only what was edited, and a gray release abandoned.
 */
class EtcdReleaseLayersTests {

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
	void anApplicationsLayersAreItsOwnThenItsProfilesAndItsNewestReleaseIsTheLatestOfThem() {
		keys.put("/config-apps/layered/a", "1");
		assertThat(this.releases.newest("layered")).isNull();
		EtcdLayer own = this.releases.layer("layered", null);
		EtcdLayer canary = this.releases.layer("layered", "canary");
		this.releases.publish(this.releases.planPush(own, Files.yaml("a: 2\n"), EtcdPushOptions.DEFAULT), "alice",
				null);
		EtcdRelease gray = this.releases
			.publish(this.releases.planPush(canary, Files.yaml("a: 3\n"), EtcdPushOptions.DEFAULT), "alice", null)
			.get(0);

		assertThat(this.releases.layers("layered")).containsExactly(own, canary);
		assertThat(this.releases.layers(null)).containsExactly(this.releases.layer(null, null));
		assertThat(this.releases.newest("layered")).isEqualTo(gray);
	}

	@Test
	void aPropertyOverridesTheLowerLayersThatHoldItToo() {
		keys.put("/config/overridden/host", "shared");
		keys.put("/config-apps/overriding/overridden/host", "own");
		keys.put("/config-apps/overriding/profiles/prod/overridden/host", "prod");
		keys.put("/config-apps/overriding/alone", "x");

		EtcdConfigView prod = this.releases.effective(this.releases.layer("overriding", "prod"));

		assertThat(this.releases.overrides(prod))
			.containsEntry("overridden.host", List.of("/config/", "/config-apps/overriding/"))
			.doesNotContainKey("alone");
	}

	@Test
	void anEditChangesOnlyWhatWasEditedAndADocumentKeyStaysADocument() {
		keys.put("/config-apps/edited/greeting", "hello");
		keys.put("/config-apps/edited/secrets.yml", "database:\n  password: s3cret\n  user: billing\n");
		EtcdLayer layer = this.releases.layer("edited", null);

		EtcdReleasePlan greeting = this.releases.planEdit(layer,
				Files.file("edited.yml", "greeting: hi\ndatabase.password: '******'\ndatabase.user: billing\n"),
				EtcdReleaseMasks.defaults());
		assertThat(greeting.changes()).extracting(EtcdKeyChange::key, EtcdKeyChange::type)
			.containsExactly(tuple("/config-apps/edited/greeting", EtcdKeyChange.Type.CHANGED));

		EtcdReleasePlan user = this.releases.planEdit(layer,
				Files.file("edited.yml",
						"greeting: hello\ndatabase.password: '******'\ndatabase.user: payroll\n" + "new.flag: 'on'\n"),
				EtcdReleaseMasks.defaults());
		assertThat(user.changes()).extracting(EtcdKeyChange::key, EtcdKeyChange::type)
			.containsExactly(tuple("/config-apps/edited/new/flag", EtcdKeyChange.Type.ADDED),
					tuple("/config-apps/edited/secrets.yml", EtcdKeyChange.Type.CHANGED));
		assertThat(user.changes().get(1).properties()).extracting("name", "newValue")
			.containsExactly(tuple("database.user", "payroll"));
		this.releases.publish(user, "alice", null);
		assertThat(this.releases.properties(layer).properties())
			.extracting(EtcdProperty::name, EtcdProperty::value, EtcdProperty::key)
			.contains(tuple("database.password", "s3cret", "/config-apps/edited/secrets.yml"),
					tuple("database.user", "payroll", "/config-apps/edited/secrets.yml"));

		EtcdReleasePlan removal = this.releases.planEdit(layer,
				Files.file("edited.yml", "database.password: '******'\ndatabase.user: payroll\nnew.flag: 'on'\n"),
				EtcdReleaseMasks.defaults());
		assertThat(removal.changes()).extracting(EtcdKeyChange::key, EtcdKeyChange::type)
			.containsExactly(tuple("/config-apps/edited/greeting", EtcdKeyChange.Type.REMOVED));
	}

	@Test
	void abandoningAGrayReleaseEmptiesTheProfilesLayerAsAnAbandonRelease() {
		keys.put("/config-apps/abandoned/a", "1");
		keys.put("/config-apps/abandoned/profiles/canary/a", "2");
		keys.put("/config-apps/abandoned/profiles/canary/b", "3");

		EtcdReleasePlan plan = this.releases.planAbandon("abandoned", "canary");
		EtcdRelease release = this.releases.publish(plan, "alice", "canary errors").get(0);

		assertThat(plan.kind()).isEqualTo(EtcdReleasePlan.Kind.ABANDON);
		assertThat(release.removed()).isEqualTo(2);
		assertThat(release.detail()).isEqualTo("profile canary");
		assertThat(keys.values("/config-apps/abandoned/")).containsOnly(Map.entry("/config-apps/abandoned/a", "1"));
		assertThat(this.releases.planAbandon("abandoned", "canary").isEmpty()).isTrue();
		assertThat(this.releases.history(this.releases.layer("abandoned", "canary"), 1).get(0).kind())
			.isEqualTo(EtcdReleasePlan.Kind.ABANDON);
	}

}
