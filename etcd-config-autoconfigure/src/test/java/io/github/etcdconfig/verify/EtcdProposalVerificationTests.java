package io.github.etcdconfig.verify;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.etcdconfig.refresh.EtcdRejectedProperty;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.support.ShopBeans;
import io.github.etcdconfig.support.ShopProperties;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A running instance judges a proposed change against its own beans before it is written:
 * accepted, rejected with the properties and why, or ignored with the reason. It applies
 * nothing, and bad proposals never stop it judging the next one.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdProposalVerificationTests {

	private static final String LAYER = "/config-apps/judging/";

	private static final String PROPOSALS = "/config-proposals/";

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		keys.deletePrefix(LAYER);
		keys.put(LAYER + "shop/name", "corner");
		keys.put(LAYER + "shop/pool-size", "6");
		context = Apps.run(etcd.cluster(), new Class<?>[] { ShopBeans.class }, "spring.application.name=judging",
				"spring.profiles.active=blue", "etcd.config.verify.max-proposal-size=4KB");
		assertThat(context.getBean(ShopBeans.ScopedShop.class).getLimit()).isEqualTo(5);
	}

	@AfterAll
	static void stop() {
		context.close();
		keys.client().close();
	}

	@Test
	void aChangeEveryBeanTakesIsAcceptedAndNothingIsApplied() {
		long before = keys.revision();

		EtcdConfigVerdict verdict = propose(LAYER, Map.of(LAYER + "shop/pool-size", "9", LAYER + "shop/timeout", "10s",
				LAYER + "shop/retries", "5", LAYER + "shop/mode", "SAFE"), List.of(LAYER + "shop/name"));

		assertThat(verdict.verdict()).isEqualTo(EtcdConfigVerdict.Verdict.ACCEPTED);
		assertThat(verdict.properties()).isEmpty();
		ShopProperties shop = context.getBean(ShopProperties.class);
		assertThat(shop.getPoolSize()).isEqualTo(6);
		assertThat(shop.getName()).isEqualTo("corner");
		assertThat(shop.getMode()).isEqualTo(ShopProperties.Mode.FAST);
		assertThat(context.getBean(ShopBeans.ShopValues.class).retries).isEqualTo(3);
		assertThat(context.getEnvironment().getProperty("shop.pool-size")).isEqualTo("6");
		assertThat(context.getEnvironment().getProperty("shop.name")).isEqualTo("corner");
		assertThat(keys.get(LAYER + "shop/pool-size").getModRevision()).isLessThan(before);
	}

	@Test
	void aChangeThatWouldFailIsRejectedWithEveryPropertyAndWhyButNoValue(CapturedOutput output) {
		EtcdConfigVerdict verdict = propose(LAYER,
				Map.of(LAYER + "shop/pool-size", "s3cret-1", LAYER + "shop/nested/level", "99", LAYER + "shop/retries",
						"s3cret-2", LAYER + "shop/greeting", "${no.such.s3cret}", LAYER + "shop/name", " ",
						LAYER + "shop/scoped-limit", "s3cret-3"),
				List.of());

		assertThat(verdict.verdict()).isEqualTo(EtcdConfigVerdict.Verdict.REJECTED);
		assertThat(verdict.properties()).extracting(EtcdRejectedProperty::name)
			.contains("shop.pool-size", "shop.retries", "shop.greeting", "shop.scoped-limit");
		assertThat(verdict.properties()).anySatisfy((property) -> {
			assertThat(property.name()).isEqualTo("shop.greeting");
			assertThat(property.reason()).isEqualTo("placeholder ${no.such.s3cret} cannot be resolved");
		});
		assertThat(verdict.toString()).doesNotContain("s3cret-1", "s3cret-2", "s3cret-3");
		assertThat(output.getAll()).doesNotContain("s3cret-1", "s3cret-2", "s3cret-3");
		assertThat(context.getBean(ShopProperties.class).getPoolSize()).isEqualTo(6);
	}

	@Test
	void aProposalThatChangesOnlyTheStagedRolloutFolderIsIgnored() {
		EtcdConfigVerdict verdict = propose(LAYER, Map.of(LAYER + "_rollout/values/shop/pool-size", "lots",
				LAYER + "_rollout/selector", "{\"id\": \"r-1\", \"seed\": \"s\", \"rules\": [{\"below\": 1}]}"),
				List.of());

		assertThat(verdict.verdict()).isEqualTo(EtcdConfigVerdict.Verdict.IGNORED);
		assertThat(verdict.reason()).contains("_rollout/");
		assertThat(context.getBean(ShopProperties.class).getPoolSize()).isEqualTo(6);
	}

	@Test
	void aConstraintOfANestedBeanRejectsAProposal() {
		EtcdConfigVerdict verdict = propose(LAYER, Map.of(LAYER + "shop/nested/level", "11"), List.of());

		assertThat(verdict.verdict()).isEqualTo(EtcdConfigVerdict.Verdict.REJECTED);
		assertThat(verdict.properties())
			.containsExactly(new EtcdRejectedProperty("shop.nested.level", "must be less than or equal to 10"));
	}

	@Test
	void aDocumentKeyThatBreaksATypeIsRejected() {
		EtcdConfigVerdict verdict = propose(LAYER, Map.of(LAYER + "application.yml", "shop:\n  timeout: soon\n"),
				List.of());

		assertThat(verdict.verdict()).isEqualTo(EtcdConfigVerdict.Verdict.REJECTED);
		assertThat(verdict.properties())
			.containsExactly(new EtcdRejectedProperty("shop.timeout", "cannot be converted to Duration"));
	}

	@Test
	void aProposalForTheActiveProfileIsJudgedAndForAnotherProfileIgnored() {
		String blue = LAYER + "profiles/blue/";
		String green = LAYER + "profiles/green/";

		assertThat(propose(blue, Map.of(blue + "shop/pool-size", "0"), List.of()).verdict())
			.isEqualTo(EtcdConfigVerdict.Verdict.REJECTED);
		EtcdConfigVerdict other = propose(green, Map.of(green + "shop/pool-size", "0"), List.of());
		assertThat(other.verdict()).isEqualTo(EtcdConfigVerdict.Verdict.IGNORED);
		assertThat(other.reason()).contains(green);
	}

	@Test
	void malformedOversizedAndStrayProposalsAreIgnoredWithAReasonAndTheWatchGoesOn() {
		String malformed = id();
		keys.put(PROPOSALS + "config-apps/judging/" + malformed, "{\"id\": \"" + malformed + "\", \"puts\": [s3cret");
		String oversized = id();
		keys.put(PROPOSALS + "config-apps/judging/" + oversized,
				json(oversized, LAYER, Map.of(LAYER + "shop/name", "x".repeat(5000)), List.of()));
		String stray = id();
		keys.put(PROPOSALS + "config-apps/judging/" + stray,
				json(stray, LAYER, Map.of("/config-apps/other/shop/name", "x"), List.of()));
		String mismatched = id();
		keys.put(PROPOSALS + "config-apps/judging/" + mismatched,
				json(mismatched, "/config/", Map.of("/config/shop/name", "x"), List.of()));
		String binary = id();
		keys.put(PROPOSALS + "config-apps/judging/" + binary, new byte[] { (byte) 0xff, (byte) 0xfe, 0 });

		assertThat(awaitVerdict(malformed).reason()).startsWith("malformed: the proposal is not a JSON object");
		assertThat(awaitVerdict(oversized).reason()).contains("more than etcd.config.verify.max-proposal-size");
		assertThat(awaitVerdict(stray).reason()).contains("/config-apps/other/shop/name lies outside its layer");
		assertThat(awaitVerdict(mismatched).reason()).contains("its layer does not match its key");
		assertThat(awaitVerdict(binary).verdict()).isEqualTo(EtcdConfigVerdict.Verdict.IGNORED);
		assertThat(propose(LAYER, Map.of(LAYER + "shop/pool-size", "7"), List.of()).verdict())
			.isEqualTo(EtcdConfigVerdict.Verdict.ACCEPTED);
	}

	@Test
	void aProposalForAnotherApplicationGetsNoAnswer() {
		String foreign = id();
		keys.put(PROPOSALS + "config-apps/billing/" + foreign,
				json(foreign, "/config-apps/billing/", Map.of("/config-apps/billing/shop/pool-size", "x"), List.of()));

		// Judged in order: once a later proposal is answered, the earlier one was
		// passed over.
		propose(LAYER, Map.of(LAYER + "shop/pool-size", "8"), List.of());
		assertThat(verdicts().of(foreign)).isNull();
	}

	private static EtcdConfigVerdict propose(String layer, Map<String, String> puts, List<String> deletes) {
		return propose(context, keys, layer, puts, deletes);
	}

	/**
	 * Write a proposal and wait for the instance's verdict.
	 * @param context the instance, with {@link ShopBeans}
	 * @param keys a client that may write the proposal
	 * @param layer the layer
	 * @param puts the keys to put
	 * @param deletes the keys to delete
	 * @return the verdict
	 */
	static EtcdConfigVerdict propose(ConfigurableApplicationContext context, EtcdKeys keys, String layer,
			Map<String, String> puts, List<String> deletes) {
		String id = id();
		keys.put(PROPOSALS + layer.substring(1) + id, json(id, layer, puts, deletes));
		ShopBeans.Verdicts verdicts = context.getBean(ShopBeans.Verdicts.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> verdicts.of(id) != null);
		return verdicts.of(id);
	}

	private static EtcdConfigVerdict awaitVerdict(String id) {
		await().atMost(Duration.ofSeconds(10)).until(() -> verdicts().of(id) != null);
		return verdicts().of(id);
	}

	private static ShopBeans.Verdicts verdicts() {
		return context.getBean(ShopBeans.Verdicts.class);
	}

	static String id() {
		return "p-" + UUID.randomUUID();
	}

	static String json(String id, String layer, Map<String, String> puts, List<String> deletes) {
		return JsonWriter.standard()
			.writeToString(Map.of("id", id, "layer", layer, "baseRevision", 1, "puts", puts, "deletes", deletes, "by",
					"test"));
	}

}
