package io.github.etcdconfig.refresh;

import io.github.etcdconfig.support.Applied;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.cloud.context.encrypt.EncryptorFactory;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code {cipher}} values changed in etcd while the application runs are decrypted like
 * those read at start-up (the application has spring-security-crypto and a key).
 */
class EtcdCipherValueRefreshTests {

	private static final String KEY = "a-test-key";

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	EtcdKeys keys;

	ConfigurableApplicationContext context;

	@BeforeEach
	void seed() {
		this.keys = new EtcdKeys(etcd.cluster().newClient());
		this.keys.deletePrefix("/ciphers");
		this.keys.put("/ciphers/api/token", cipher("token-1"));
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		this.keys.close();
	}

	private static String cipher(String value) {
		return "{cipher}" + new EncryptorFactory().create(KEY).encrypt(value);
	}

	private ConfigurableApplicationContext start(String prefixes) {
		this.context = Apps.run(etcd.cluster(), "encrypt.key=" + KEY, "etcd.config.prefixes=" + prefixes);
		return this.context;
	}

	private void putAndAwaitRefresh(String key, String value) {
		Applied.awaitRevision(this.context, this.keys.put(key, value));
	}

	@Test
	void aChangedCipherValueIsDecrypted() {
		start("/ciphers/");
		assertThat(this.context.getEnvironment().getProperty("api.token")).isEqualTo("token-1");
		putAndAwaitRefresh("/ciphers/api/token", cipher("token-2"));
		assertThat(this.context.getEnvironment().getProperty("api.token")).isEqualTo("token-2");
	}

	@Test
	void theFirstCipherValueOfAnApplicationThatHadNoneIsDecrypted() {
		this.keys.put("/ciphers-later/api/url", "https://example.org");
		start("/ciphers-later/");
		putAndAwaitRefresh("/ciphers-later/api/token", cipher("token-3"));
		assertThat(this.context.getEnvironment().getProperty("api.token")).isEqualTo("token-3");
	}

	@Test
	void aCipherValueReplacedByAPlainOneIsThePlainOne() {
		start("/ciphers/");
		putAndAwaitRefresh("/ciphers/api/token", "plain-token");
		assertThat(this.context.getEnvironment().getProperty("api.token")).isEqualTo("plain-token");
	}

	@Test
	void aCipherValueThatCannotBeDecryptedLeavesTheDecryptedValuesAsTheyWere() {
		start("/ciphers/");
		putAndAwaitRefresh("/ciphers/api/token", "{cipher}not-a-cipher-text");
		assertThat(this.context.getEnvironment().getProperty("api.token")).isEqualTo("token-1");
	}

}
