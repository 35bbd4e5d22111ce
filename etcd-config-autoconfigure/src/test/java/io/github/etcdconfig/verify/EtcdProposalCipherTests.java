package io.github.etcdconfig.verify;

import java.util.List;
import java.util.Map;

import io.github.etcdconfig.refresh.EtcdRejectedProperty;
import io.github.etcdconfig.support.ShopBeans;
import io.github.etcdconfig.support.ShopProperties;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.cloud.context.encrypt.EncryptorFactory;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code {cipher}} values are not decrypted to judge a proposal: a property whose
 * proposed or current value is encrypted is left out of the check and named in the
 * verdict's reason, never with its value; the rest of the proposal is judged as usual.
 */
class EtcdProposalCipherTests {

	private static final String KEY = "a-test-key";

	private static final String LAYER = "/config-apps/secretive/";

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put(LAYER + "shop/pool-size", cipher("6"));
		context = Apps.run(etcd.cluster(), new Class<?>[] { ShopBeans.class }, "spring.application.name=secretive",
				"encrypt.key=" + KEY);
		assertThat(context.getBean(ShopProperties.class).getPoolSize()).isEqualTo(6);
	}

	@AfterAll
	static void stop() {
		context.close();
		keys.close();
	}

	@Test
	void aChangedCipherValueIsNotCheckedAndTheVerdictSaysSo() {
		String proposed = cipher("0");

		EtcdConfigVerdict verdict = propose(Map.of(LAYER + "shop/pool-size", proposed), List.of());

		assertThat(verdict.verdict()).isEqualTo(EtcdConfigVerdict.Verdict.ACCEPTED);
		assertThat(verdict.reason())
			.isEqualTo("not checked: encrypted values are not decrypted for verification (shop.pool-size)");
		assertThat(verdict.toString()).doesNotContain(proposed.substring(8), "{cipher}");
	}

	@Test
	void aNewCipherValueIsNotJudgedByItsCipherText() {
		EtcdConfigVerdict verdict = propose(Map.of(LAYER + "shop/timeout", cipher("10s")), List.of());

		assertThat(verdict.verdict()).isEqualTo(EtcdConfigVerdict.Verdict.ACCEPTED);
		assertThat(verdict.reason()).endsWith("(shop.timeout)");
	}

	@Test
	void aDeletedCipherValueIsNotCheckedAndThePlainValuesBesideItAre() {
		EtcdConfigVerdict verdict = propose(Map.of(LAYER + "shop/retries", "many"), List.of(LAYER + "shop/pool-size"));

		assertThat(verdict.verdict()).isEqualTo(EtcdConfigVerdict.Verdict.REJECTED);
		assertThat(verdict.properties()).extracting(EtcdRejectedProperty::name).containsExactly("shop.retries");
		assertThat(verdict.reason()).endsWith("(shop.pool-size)");
	}

	private static String cipher(String value) {
		return "{cipher}" + new EncryptorFactory().create(KEY).encrypt(value);
	}

	private static EtcdConfigVerdict propose(Map<String, String> puts, List<String> deletes) {
		return EtcdProposalVerificationTests.propose(context, keys, LAYER, puts, deletes);
	}

}
