package io.github.etcdconfig.config;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.cloud.context.encrypt.EncryptorFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@code {cipher}} values: decrypted by Spring Cloud when the application adds
 * spring-security-crypto, which the starter leaves out; an application that configures a
 * key without it does not start.
 */
class EtcdDecryptionTests {

	private static final String KEY = "a-test-key";

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@BeforeAll
	static void putACipherValueAndAPlainOne() {
		try (EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient())) {
			keys.putAll("/secrets/database/password", "{cipher}" + new EncryptorFactory().create(KEY).encrypt("s3cret"),
					"/config/database/host", "postgres");
		}
	}

	private SpringApplicationBuilder application(String... properties) {
		return Apps.builder(new Class<?>[0], "etcd.endpoints=" + etcd.cluster().endpointsProperty())
			.properties(properties);
	}

	// The application's class path as it is with the starter alone.
	private SpringApplicationBuilder withoutSpringSecurityCrypto(SpringApplicationBuilder builder) {
		return builder
			.resourceLoader(new DefaultResourceLoader(new FilteredClassLoader("org.springframework.security.crypto")));
	}

	@Test
	void aCipherValueInEtcdIsDecryptedWhenTheApplicationAddsSpringSecurityCrypto() {
		try (ConfigurableApplicationContext context = application("encrypt.key=" + KEY,
				"etcd.config.prefixes=/secrets/")
			.run()) {
			assertThat(context.getEnvironment().getProperty("database.password")).isEqualTo("s3cret");
		}
	}

	@Test
	void aKeyWithoutSpringSecurityCryptoStopsTheStartSayingWhatToAdd() {
		assertThatIllegalStateException()
			.isThrownBy(() -> withoutSpringSecurityCrypto(application("encrypt.key=" + KEY)).run())
			.withMessageContaining("encrypt.key is set")
			.withMessageContaining("org.springframework.security:spring-security-crypto")
			.withMessageNotContaining(KEY);
	}

	@Test
	void withoutSpringSecurityCryptoOrAKeyTheApplicationStarts() {
		try (ConfigurableApplicationContext context = withoutSpringSecurityCrypto(application()).run()) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("postgres");
		}
	}

	@Test
	void turningDecryptionOffLetsAKeyStartWithoutSpringSecurityCrypto() {
		try (ConfigurableApplicationContext context = withoutSpringSecurityCrypto(
				application("encrypt.key=" + KEY, "spring.cloud.decrypt-environment-post-processor.enabled=false"))
			.run()) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("postgres");
		}
	}

}
