package io.github.etcdconfig.samples.configmanager;

import org.junit.jupiter.api.Test;

import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the starter puts on an application's class path.
 */
class ConfigManagerClassPathTests {

	@Test
	void theStarterLeavesOutSpringSecurityCryptoSoSpringCloudDoesNotScanEveryPropertyForCipherValues() {
		assertThat(ClassUtils.isPresent("org.springframework.security.crypto.encrypt.TextEncryptor", null)).isFalse();
	}

}
