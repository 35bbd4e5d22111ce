package io.github.etcdconfig.config;

import io.github.etcdconfig.client.EtcdProperties;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.autoconfigure.ssl.SslProperties;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;

/**
 * What the configuration loader reaches by reflection, for a native image. The loader
 * binds its settings with a {@code Binder} before the application context exists, where
 * no {@code @ConfigurationProperties} processing sees them, and checks for SnakeYAML by
 * name. Registered in {@code META-INF/spring/aot.factories} rather than with
 * {@code @ImportRuntimeHints}, because the loader runs whichever auto-configurations the
 * application keeps.
 *
 * <p>
 * The rest needs nothing from here: Spring registers the classes listed in
 * {@code spring.factories}, Spring Boot the {@code @ConfigurationProperties} beans and
 * the actuator endpoint, and {@link io.github.etcdconfig.refresh.EtcdValueUpdater} the
 * {@code @Value} members it updates.
 */
class EtcdConfigRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		BindableRuntimeHintsRegistrar.forTypes(EtcdProperties.class, EtcdConfigProperties.class, SslProperties.class)
			.registerHints(hints, classLoader);
		hints.reflection().registerTypeIfPresent(classLoader, EtcdKeyMapper.YAML_CLASS);
	}

}
