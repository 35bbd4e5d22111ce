package io.github.etcdconfig.release;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.github.etcdconfig.release.support.Files;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Bad input gets a clear error naming what is wrong, and nothing is read into a release
 * nor written.
 */
class EtcdReleaseBadInputTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	static EtcdReleases releases;

	@BeforeAll
	static void connect() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		releases = new EtcdReleases(keys.client(), EtcdReleaseSettings.defaults());
	}

	@AfterAll
	static void close() {
		keys.close();
	}

	@Test
	void aFileThatDoesNotParseIsNamedWithItsLineAndColumn() {
		EtcdReleaseException refused = refused(List
			.of(Files.file("conf/billing.yml", "database:\n  host: postgres\n  port: [5432\nsecret: hunter2\n")),
				EtcdPushOptions.DEFAULT);
		assertThat(refused).hasMessageStartingWith("conf/billing.yml: ")
			.hasMessageContaining("line 4, column 7")
			.hasMessageNotContaining("hunter2");
	}

	@Test
	void aPropertyNoKeyCanCarryIsRefusedNamingIt() {
		assertThat(refused(Files.yaml("\"rate limit\": 5\n"), EtcdPushOptions.DEFAULT))
			.hasMessageContaining("billing.yml: no key can carry the property 'rate limit'");
		assertThat(refused(Files.yaml("\"a/b\": 5\n"), EtcdPushOptions.DEFAULT)).hasMessageContaining("'a/b'")
			.hasMessageContaining("reads as a.b");
		assertThat(refused(Files.yaml("profiles:\n  prod:\n    x: 1\n"), EtcdPushOptions.DEFAULT))
			.hasMessageContaining("'profiles.prod.x'")
			.hasMessageContaining("folder of other layers");
	}

	@Test
	void aValueThatIsNotUtf8IsRefused() {
		byte[] latin1 = "greeting=gr\u00fc\u00df dich\n".getBytes(StandardCharsets.ISO_8859_1);
		byte[] yaml = "greeting: gr\u00fc\u00df dich\n".getBytes(StandardCharsets.ISO_8859_1);
		assertThat(refused(List.of(new EtcdConfigFile("billing.yml", yaml)), EtcdPushOptions.DEFAULT))
			.hasMessage("billing.yml: the document is not UTF-8");
		assertThat(refused(List.of(new EtcdConfigFile("billing.properties", latin1)), EtcdPushOptions.DEFAULT))
			.hasMessage("billing.properties: the document is not UTF-8");
	}

	@Test
	void pruningAnApplicationOrProfileThatEtcdDoesNotKnowIsRefused() {
		EtcdReleaseException refused = catchThrowableOfType(EtcdReleaseException.class, () -> releases
			.planPush(releases.layer("billing", "cnary"), Files.yaml("a: 1\n"), new EtcdPushOptions(true, null)));
		assertThat(refused.getReason()).isEqualTo(EtcdReleaseException.Reason.INVALID);
		assertThat(refused).hasMessageContaining("/config-apps/billing/profiles/cnary/ (application billing, "
				+ "profile cnary) has no keys and no releases");
	}

	@Test
	void pruningALayerThatSharesItsFolderWithOtherLayersIsRefused() {
		EtcdReleases oldLayout = new EtcdReleases(keys.client(), EtcdReleaseSettings.defaults()
			.withPrefixes(List.of("/config/", "/config/{application}/", "/config/{application}/{profile}/")));
		EtcdReleaseException refused = catchThrowableOfType(EtcdReleaseException.class, () -> oldLayout
			.planPush(oldLayout.layer(null, null), Files.yaml("a: 1\n"), new EtcdPushOptions(true, null)));
		assertThat(refused).hasMessageContaining("Cannot prune /config/ (shared)");
	}

	@Test
	void aFileThatEmptiesTheLayerWithPruneSaysSo() {
		keys.put("/config-apps/emptied/a", "1");
		EtcdReleasePlan plan = releases.planPush(releases.layer("emptied", null), Files.yaml("{}\n"),
				new EtcdPushOptions(true, null));
		assertThat(plan.layers().get(0).emptiesLayer()).isTrue();
	}

	@Test
	void releaseRecordsInsideAConfigurationPrefixAreRefused() {
		EtcdReleaseException refused = catchThrowableOfType(EtcdReleaseException.class,
				() -> new EtcdReleaseSettings(EtcdReleaseSettings.defaults().prefixes(), "/config/releases/",
						"/services/", 128, 100, EtcdReleaseSettings.DEFAULT_TIMEOUT));
		assertThat(refused).hasMessageContaining("'/config/releases/' overlaps the configuration prefix '/config/'");
	}

	private static EtcdReleaseException refused(List<EtcdConfigFile> files, EtcdPushOptions options) {
		long revision = keys.revision();
		EtcdReleaseException refused = catchThrowableOfType(EtcdReleaseException.class,
				() -> releases.planPush(releases.layer("billing", null), files, options));
		assertThat(refused.getReason()).isEqualTo(EtcdReleaseException.Reason.INVALID);
		assertThat(keys.revision()).isEqualTo(revision);
		return refused;
	}

}
