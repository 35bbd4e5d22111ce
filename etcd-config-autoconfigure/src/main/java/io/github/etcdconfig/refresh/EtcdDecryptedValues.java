package io.github.etcdconfig.refresh;

import java.util.List;

import io.github.etcdconfig.config.EtcdDecryptionCheck;
import io.github.etcdconfig.config.EtcdPropertyChange;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cloud.bootstrap.encrypt.AbstractEnvironmentDecrypt;
import org.springframework.cloud.bootstrap.encrypt.DecryptEnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Keeps {@code {cipher}} values current. Spring Cloud decrypts them once, at start-up,
 * into a property source of its own ahead of every other, so a {@code {cipher}} value
 * changed in etcd would stay hidden behind the value decrypted at start-up. When a change
 * involves one, Spring Cloud's decryption runs again over the current property sources,
 * and its result takes the place of the old one in a single step: a reader never sees an
 * encrypted value.
 */
final class EtcdDecryptedValues {

	private static final Log logger = LogFactory.getLog(EtcdDecryptedValues.class);

	private static final String DECRYPTED = AbstractEnvironmentDecrypt.DECRYPTED_PROPERTY_SOURCE_NAME;

	private final ConfigurableEnvironment environment;

	EtcdDecryptedValues(ConfigurableEnvironment environment) {
		this.environment = environment;
	}

	/**
	 * Decrypt the environment's {@code {cipher}} values again when the changes involve
	 * one, as Spring Cloud did at start-up. A value that cannot be decrypted leaves every
	 * decrypted value as it was.
	 * @param changes the changes about to be published
	 */
	void update(List<EtcdPropertyChange> changes) {
		if (involvesCipher(changes) && EtcdDecryptionCheck.decrypts(this.environment, getClass().getClassLoader())) {
			decryptAgain();
		}
	}

	// Synchronized: the watchers of two stores may apply cipher changes at once, and each
	// works out the decrypted
	// values of all sources, so the later must see the earlier's. Nothing in it calls the
	// application.
	private synchronized void decryptAgain() {
		// Spring Cloud decrypts into the environment it is given: a scratch one with the
		// same sources, but for the
		// decrypted values it would otherwise take for plain values overriding the
		// encrypted ones.
		StandardEnvironment scratch = new StandardEnvironment();
		MutablePropertySources sources = scratch.getPropertySources();
		sources.forEach((source) -> sources.remove(source.getName()));
		this.environment.getPropertySources()
			.stream()
			.filter((source) -> !DECRYPTED.equals(source.getName()))
			.forEach(sources::addLast);
		try {
			new DecryptEnvironmentPostProcessor().postProcessEnvironment(scratch, null);
		}
		catch (RuntimeException ex) {
			// Spring Cloud's messages name the key, never the value.
			logger.error("A {cipher} value changed in etcd cannot be decrypted (" + ex.getMessage()
					+ "); the application keeps the values it decrypted before");
			return;
		}
		PropertySource<?> decrypted = sources.get(DECRYPTED);
		MutablePropertySources target = this.environment.getPropertySources();
		if (decrypted == null) {
			target.remove(DECRYPTED);
		}
		else if (target.contains(DECRYPTED)) {
			target.replace(DECRYPTED, decrypted);
		}
		else {
			target.addFirst(decrypted);
		}
	}

	private static boolean involvesCipher(List<EtcdPropertyChange> changes) {
		for (EtcdPropertyChange change : changes) {
			if (EtcdDecryptionCheck.isCipher(change.oldValue()) || EtcdDecryptionCheck.isCipher(change.newValue())) {
				return true;
			}
		}
		return false;
	}

}
