package io.github.etcdconfig.config;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.cloud.util.PropertyUtils;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Stops an application that configures a key for Spring Cloud's {@code {cipher}} values
 * but lacks spring-security-crypto. The starter leaves that library out, because with it
 * on the class path Spring Cloud reads every property of every source at start-up looking
 * for such values, which costs a third of a second at 100,000 keys in every application,
 * decrypting or not. Without the check, an application that used to get the library
 * through the starter would start with its {@code {cipher}} values still encrypted. It
 * also tells the refresh whether Spring Cloud decrypts in an environment
 * ({@link #decrypts}), so both read the same settings.
 */
public class EtcdDecryptionCheck implements EnvironmentPostProcessor, Ordered {

	private static final String TEXT_ENCRYPTOR = "org.springframework.security.crypto.encrypt.TextEncryptor";

	// What Spring Cloud takes for a configured key
	// (TextEncryptorConfigBootstrapper.keysConfigured).
	private static final String[] KEY_PROPERTIES = { "encrypt.key", "encrypt.key-store.location" };

	// AbstractEnvironmentDecrypt.ENCRYPTED_PROPERTY_PREFIX, without loading Spring
	// Cloud's decryption classes.
	private static final String CIPHER = "{cipher}";

	private static final String DECRYPTION_ENABLED = "spring.cloud.decrypt-environment-post-processor.enabled";

	@Override
	public int getOrder() {
		return EtcdConfigEnvironmentPostProcessor.ORDER + 1;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!isEnabled(environment) || ClassUtils.isPresent(TEXT_ENCRYPTOR, application.getClassLoader())) {
			return;
		}
		for (String key : KEY_PROPERTIES) {
			if (environment.containsProperty(key)) {
				throw new IllegalStateException(key + " is set, but {cipher} values are decrypted only with "
						+ "spring-security-crypto on the class path, which etcd-config-starter does not bring: add "
						+ "org.springframework.security:spring-security-crypto to the application's dependencies, "
						+ "or set " + DECRYPTION_ENABLED + "=false if the application decrypts nothing");
			}
		}
	}

	/**
	 * Whether Spring Cloud's {@code DecryptEnvironmentPostProcessor} decrypts
	 * {@code {cipher}} values in an environment: spring-security-crypto is present,
	 * decryption is on, and no legacy bootstrap decrypts instead.
	 * @param environment the environment
	 * @param classLoader where to look for spring-security-crypto
	 * @return whether {@code {cipher}} values are decrypted
	 */
	public static boolean decrypts(Environment environment, ClassLoader classLoader) {
		return isEnabled(environment) && ClassUtils.isPresent(TEXT_ENCRYPTOR, classLoader)
				&& !PropertyUtils.bootstrapEnabled(environment) && !PropertyUtils.useLegacyProcessing(environment);
	}

	/**
	 * Whether a value is a {@code {cipher}} value, which Spring Cloud decrypts.
	 * @param value a property value
	 * @return whether it is encrypted
	 */
	public static boolean isCipher(Object value) {
		return value instanceof String text && text.startsWith(CIPHER);
	}

	private static boolean isEnabled(Environment environment) {
		return environment.getProperty(DECRYPTION_ENABLED, Boolean.class, true);
	}

}
