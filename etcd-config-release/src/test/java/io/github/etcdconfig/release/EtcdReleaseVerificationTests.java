package io.github.etcdconfig.release;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.etcdconfig.refresh.EtcdRejectedProperty;
import io.github.etcdconfig.release.support.Files;
import io.github.etcdconfig.release.support.Registrations;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.verify.EtcdConfigVerdict;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Verified releases, the operator's side: a plan is offered to the running instances as a
 * proposal, their answers are collected from their registrations, and a plan one rejects
 * is never written. The instances here are stand-ins that write registrations in the
 * protocol's format; the end-to-end tests run real applications.
 */
class EtcdReleaseVerificationTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

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
	void aPlanAnInstanceRejectsIsRefusedNamingTheInstanceAndPropertyAndNothingIsWritten() {
		keys.put("/config-apps/billing/server/port", "8080");
		try (Registrations.Verifier accepting = Registrations.verifier(keys, "billing", "billing-1",
				(proposal) -> Map.of("verdict", "ACCEPTED"));
				Registrations.Verifier rejecting = Registrations.verifier(keys, "billing", "billing-2",
						(proposal) -> Map.of("verdict", "REJECTED", "properties",
								List.of(Registrations.property("server.port", "failed to convert to int"))))) {
			EtcdReleasePlan plan = plan("billing", "server.port: abc\n");
			long before = keys.revision();
			EtcdVerification verification = releases.verify(plan, "alice", WAIT);

			assertThat(verification.isRejected()).isTrue();
			assertThat(verification.verdicts()).extracting(EtcdInstanceVerdict::instance)
				.containsExactlyInAnyOrder("billing/billing-1", "billing/billing-2");
			assertThat(verification.notAnswered()).isEmpty();
			assertThatExceptionOfType(EtcdReleaseException.class)
				.isThrownBy(() -> releases.publish(plan, "alice", null, verification))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(EtcdReleaseException.Reason.REJECTED))
				.withMessageContaining("billing/billing-2 rejected server.port: failed to convert to int")
				.withMessageContaining("nothing was written")
				.withMessageNotContaining("abc");
			assertThat(keys.value("/config-apps/billing/server/port")).isEqualTo("8080");
			assertThat(keys.values("/config-releases/config-apps/billing/")).isEmpty();
			// The proposal was the only configuration-side write, and it is gone.
			assertThat(keys.values("/config-proposals/")).isEmpty();
			assertThat(keys.values("/config-apps/billing/"))
				.allSatisfy((key, value) -> assertThat(keys.get(key).getModRevision()).isLessThanOrEqualTo(before));
		}
	}

	@Test
	void theProposalHoldsThePlannedChangeUnderTheLayersOwnKeyOnALease() {
		keys.put("/config-apps/shop/old", "x");
		try (Registrations.Verifier instance = Registrations.verifier(keys, "shop", "shop-1", (proposal) -> {
			String id = (String) proposal.get("id");
			String key = "/config-proposals/config-apps/shop/" + id;
			long lease = keys.get(key).getLease();
			return Map.of("verdict", (lease != 0 && keys.ttl(lease) > 0) ? "ACCEPTED" : "REJECTED");
		})) {
			EtcdReleasePlan plan = releases.planPush(releases.layer("shop", null), Files.yaml("greeting: hi\n"),
					new EtcdPushOptions(true, null));
			EtcdVerification verification = releases.verify(plan, "alice", WAIT);

			assertThat(verification.isRejected()).isFalse();
			assertThat(instance.proposals()).singleElement().satisfies((proposal) -> {
				assertThat(proposal).containsEntry("layer", "/config-apps/shop/")
					.containsEntry("baseRevision", (int) plan.baseRevision())
					.containsEntry("puts", Map.of("/config-apps/shop/greeting", "hi"))
					.containsEntry("deletes", List.of("/config-apps/shop/old"))
					.containsEntry("by", "alice");
				assertThat((String) proposal.get("id")).startsWith("p-").doesNotContain("/");
			});
			assertThat(keys.values("/config-proposals/")).isEmpty();
		}
	}

	@Test
	void anAcceptedPlanIsPublishedAndItsRecordKeepsWhoVerifiedAndTheVerdicts() {
		try (Registrations.Verifier instance = Registrations.verifier(keys, "orders", "orders-1",
				(proposal) -> Map.of("verdict", "ACCEPTED"))) {
			Registrations.register(keys, "orders", "orders-old", Registrations.config(1, false));
			EtcdReleasePlan plan = plan("orders", "pool.size: 4\n");
			EtcdVerification verification = releases.verify(plan, "alice", WAIT);
			releases.publish(plan, "alice", "bigger pool", verification);

			EtcdRelease recorded = releases.history(releases.layer("orders", null), 1).get(0);
			assertThat(recorded.verification().by()).isEqualTo("alice");
			assertThat(recorded.verification().verdicts()).singleElement()
				.satisfies((verdict) -> assertThat(verdict.toString()).isEqualTo("orders/orders-1 accepted"));
			assertThat(recorded.verification().notVerifying()).containsExactly("orders/orders-old");
			assertThat(keys.value("/config-apps/orders/pool/size")).isEqualTo("4");
		}
		finally {
			keys.delete("/services/orders/orders-old");
		}
	}

	@Test
	void withoutAnyRegisteredInstanceNothingIsVerifiedAndNothingIsProposed() {
		long before = keys.revision();
		EtcdVerification verification = releases.verify(plan("lonely", "a: 1\n"), "alice", WAIT);

		assertThat(verification.isNothingVerified()).isTrue();
		assertThat(verification.isRejected()).isFalse();
		assertThat(verification.proposal()).isNull();
		assertThat(keys.revision()).isEqualTo(before);
	}

	@Test
	void instancesThatDoNotVerifyAreListedAndNotWaitedForAndSilentOnesAreNamedAfterTheWait() {
		Registrations.register(keys, "legacy", "legacy-node", Registrations.config(1, false));
		try (Registrations.Verifier silent = Registrations.verifier(keys, "legacy", "legacy-silent",
				(proposal) -> null)) {
			long start = System.nanoTime();
			EtcdVerification verification = releases.verify(plan("legacy", "a: 1\n"), "alice", Duration.ofMillis(700));

			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
			assertThat(verification.notVerifying()).containsExactly("legacy/legacy-node");
			assertThat(verification.notAnswered()).containsExactly("legacy/legacy-silent");
			assertThat(verification.isNothingVerified()).isTrue();
		}
		finally {
			keys.delete("/services/legacy/legacy-node");
		}
	}

	@Test
	void aProfileLayersProposalIsAnsweredByTheInstancesThatReadItAndIgnoredByTheOthers() {
		try (Registrations.Verifier canary = Registrations.verifier(keys, "pay", "pay-canary",
				(proposal) -> Map.of("verdict", "REJECTED", "properties",
						List.of(Registrations.property("limits.max", "must be less than or equal to 100"))));
				Registrations.Verifier stable = Registrations.verifier(keys, "pay", "pay-stable",
						(proposal) -> Map.of("verdict", "IGNORED", "reason", "a layer this instance does not read"))) {
			EtcdReleasePlan plan = releases.planPush(releases.layer("pay", "canary"), Files.yaml("limits.max: 500\n"),
					EtcdPushOptions.DEFAULT);
			EtcdVerification verification = releases.verify(plan, "alice", WAIT);

			assertThat(canary.proposals()).singleElement()
				.satisfies(
						(proposal) -> assertThat(proposal).containsEntry("layer", "/config-apps/pay/profiles/canary/"));
			assertThat(verification.rejections()).extracting(EtcdInstanceVerdict::instance)
				.containsExactly("pay/pay-canary");
			assertThat(verification.verdicts()).extracting(EtcdInstanceVerdict::verdict)
				.containsExactlyInAnyOrder(EtcdConfigVerdict.Verdict.REJECTED, EtcdConfigVerdict.Verdict.IGNORED);
		}
	}

	@Test
	void aWaitForARevisionEndsAtOnceWhenAnInstanceReportsItRejectedIt() {
		Registrations.register(keys, "cart", "cart-1", Registrations.config(1, true));
		long revision = keys.put("/config-apps/cart/timeout", "5 sec");
		Map<String, Object> rejected = Registrations.config(1, true);
		rejected.put("rejected", Map.of("revision", revision, "properties",
				List.of(Registrations.property("cart.timeout", "failed to convert to java.time.Duration"))));
		Registrations.register(keys, "cart", "cart-2", rejected);
		try {
			long start = System.nanoTime();
			EtcdRollout rollout = releases.awaitRevision("cart", revision, Duration.ofSeconds(30));

			// Far from the 30 s timeout.
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
			assertThat(rollout.complete()).isFalse();
			assertThat(rollout.rejected()).singleElement().satisfies((instance) -> {
				assertThat(instance.toString()).isEqualTo("cart/cart-2");
				assertThat(instance.rejected().properties()).extracting(EtcdRejectedProperty::name)
					.containsExactly("cart.timeout");
			});
		}
		finally {
			keys.deletePrefix("/services/cart/");
		}
	}

	@Test
	void aProposalsPrefixInsideAConfigurationPrefixIsRefused() {
		assertThatExceptionOfType(EtcdReleaseException.class)
			.isThrownBy(() -> EtcdReleaseSettings.defaults().withProposalsPrefix("/config/proposals/"))
			.withMessageContaining("'/config/proposals/' overlaps the configuration prefix '/config/'");
	}

	private static EtcdReleasePlan plan(String application, String yaml) {
		return releases.planPush(releases.layer(application, null), Files.yaml(yaml), EtcdPushOptions.DEFAULT);
	}

}
