package io.github.etcdconfig.config;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Layouts: which layer a key belongs to, and which key ranges an instance reads and
 * watches.
 */
class EtcdConfigLayoutTests {

	private static final List<String> DEFAULT_PATTERNS = new EtcdConfigProperties().getPrefixes();

	private static final List<String> OLD_PATTERNS = List.of("/config/", "/config/{application}/",
			"/config/{application}/{profile}/");

	private final EtcdConfigLayout billing = EtcdConfigLayout.resolve(DEFAULT_PATTERNS, "billing", List.of("prod"));

	@Test
	void theDefaultLayersAreSharedApplicationAndProfile() {
		assertThat(this.billing.prefixes()).containsExactly("/config/", "/config-apps/billing/",
				"/config-apps/billing/profiles/prod/");
	}

	@Test
	void theSeedsKeysBelongToTheSharedLayer() {
		assertThat(this.billing.layerOf("/config/database/host")).isZero();
	}

	@Test
	void aKeyBelongsToTheDeepestLayerThatHoldsIt() {
		assertThat(this.billing.layerOf("/config-apps/billing/database/host")).isEqualTo(1);
		assertThat(this.billing.layerOf("/config-apps/billing/profiles/prod/database/host")).isEqualTo(2);
	}

	@Test
	void anotherApplicationsKeyBelongsToNoLayer() {
		assertThat(this.billing.layerOf("/config-apps/payment/database/host")).isEqualTo(-1);
	}

	@Test
	void aProfileThatIsNotActiveBelongsToNoLayer() {
		assertThat(this.billing.layerOf("/config-apps/billing/profiles/canary/database/host")).isEqualTo(-1);
	}

	@Test
	void keysOutsideThePrefixesBelongToNoLayer() {
		assertThat(this.billing.layerOf("/other/x")).isEqualTo(-1);
	}

	@Test
	void anInstanceReadsTheSharedLayerAndItsOwnApplicationWhole() {
		assertThat(this.billing.ranges()).hasToString("[/config-apps/billing/*, /config/*]");
	}

	@Test
	void anInstanceWithoutANameReadsOnlyTheSharedLayer() {
		EtcdConfigLayout unnamed = EtcdConfigLayout.resolve(DEFAULT_PATTERNS, null, List.of("prod"));
		assertThat(unnamed.prefixes()).containsExactly("/config/");
		assertThat(unnamed.ranges()).hasToString("[/config/*]");
	}

	@Test
	void anApplicationFolderInsideTheSharedPrefixIsReadAroundAndBelongsToNoSharedLayer() {
		EtcdConfigLayout layout = EtcdConfigLayout.resolve(
				List.of("/config/", "/config/apps/{application}/", "/config/apps/{application}/{profile}/"), "billing",
				List.of());
		assertThat(layout.ranges())
			.hasToString("[[/config/, /config/apps/), /config/apps/billing/*, " + "[/config/apps0, /config0)]");
		assertThat(layout.layerOf("/config/apps/payment/x")).isEqualTo(-1);
		assertThat(layout.layerOf("/config/apps/billing/x")).isEqualTo(1);
	}

	@Test
	void aLayersRangesHoldItsKeysAndNoKeyOfADeeperLayerOrAReservedFolder() {
		assertThat(this.billing.layerRanges(0)).hasToString("[/config/*]");
		assertThat(this.billing.layerRanges(1)).hasToString("[[/config-apps/billing/, /config-apps/billing/_rollout/), "
				+ "[/config-apps/billing/_rollout0, /config-apps/billing/profiles/), "
				+ "[/config-apps/billing/profiles0, /config-apps/billing0)]");
		assertThat(this.billing.layerRanges(2)).hasToString("[/config-apps/billing/profiles/prod/*]");
		EtcdConfigLayout old = EtcdConfigLayout.resolve(OLD_PATTERNS, "billing", List.of("prod"));
		assertThat(old.layerRanges(0)).hasToString("[[/config/, /config/billing/), [/config/billing0, /config0)]");
		assertThat(old.layerRanges(1)).hasToString(
				"[[/config/billing/, /config/billing/_rollout/), [/config/billing/_rollout0, /config/billing/prod/), "
						+ "[/config/billing/prod0, /config/billing0)]");
	}

	@Test
	void withoutAnActiveProfileTheProfilesFolderIsStillNoPartOfTheApplicationLayer() {
		EtcdConfigLayout layout = EtcdConfigLayout.resolve(DEFAULT_PATTERNS, "billing", List.of());
		assertThat(layout.layerOf("/config-apps/billing/profiles/prod/x")).isEqualTo(-1);
	}

	@Test
	void eachActiveProfileIsALayerAndTheLaterRanksHigher() {
		EtcdConfigLayout layout = EtcdConfigLayout.resolve(DEFAULT_PATTERNS, "billing", List.of("prod", "eu"));
		assertThat(layout.prefixes()).containsExactly("/config/", "/config-apps/billing/",
				"/config-apps/billing/profiles/prod/", "/config-apps/billing/profiles/eu/");
	}

	@Test
	void theOldLayoutReservesNoFolderAndReadsAllOfConfig() {
		EtcdConfigLayout layout = EtcdConfigLayout.resolve(OLD_PATTERNS, "billing", List.of("prod"));
		assertThat(layout.prefixes()).containsExactly("/config/", "/config/billing/", "/config/billing/prod/");
		assertThat(layout.layerOf("/config/payment/x")).isZero();
		assertThat(layout.layerOf("/config/billing/prod/x")).isEqualTo(2);
		assertThat(layout.ranges()).hasToString("[/config/*]");
	}

	@Test
	void prefixesThatDoNotNestAreReadSeparately() {
		EtcdConfigLayout layout = EtcdConfigLayout.resolve(List.of("/config/", "/other/"), null, List.of());
		assertThat(layout.ranges()).hasToString("[/config/*, /other/*]");
	}

}
