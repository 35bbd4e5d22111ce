package io.github.etcdconfig.config;

import java.util.Map;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * etcd overrides the application's config files; command-line arguments, system
 * properties and environment variables override etcd.
 */
class EtcdConfigPrecedenceTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@AutoClose
	static EtcdKeys keys;

	@BeforeAll
	static void seed() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config/database/host", "from-etcd");
	}

	private ConfigurableApplicationContext run(String configName, String... args) {
		return Apps
			.builder(new Class<?>[0], "etcd.endpoints=" + etcd.cluster().endpointsProperty(),
					"spring.config.name=" + configName)
			.run(args);
	}

	@Test
	void etcdOverridesApplicationProperties() {
		try (ConfigurableApplicationContext context = run("precedence")) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("from-etcd");
			assertThat(context.getEnvironment().getProperty("database.name")).isEqualTo("from-file-only");
		}
	}

	@Test
	void anExplicitImportOverridesTheFileThatImportsIt() {
		try (ConfigurableApplicationContext context = run("importing")) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("from-etcd");
			assertThat(context.getEnvironment().getProperty("database.name")).isEqualTo("from-file-only");
		}
	}

	@Test
	void commandLineArgumentsOverrideEtcd() {
		try (ConfigurableApplicationContext context = run("precedence", "--database.host=from-args")) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("from-args");
		}
	}

	@Test
	void systemPropertiesOverrideEtcd() {
		System.setProperty("database.host", "from-system-property");
		try (ConfigurableApplicationContext context = run("precedence")) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("from-system-property");
		}
		finally {
			System.clearProperty("database.host");
		}
	}

	@Test
	void environmentVariablesOverrideEtcd() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of("DATABASE_HOST", "from-env")));
		try (ConfigurableApplicationContext context = Apps
			.builder(new Class<?>[0], "etcd.endpoints=" + etcd.cluster().endpointsProperty(),
					"spring.config.name=precedence")
			.environment(environment)
			.run()) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("from-env");
		}
	}

	@Test
	void anExplicitImportAndTheZeroConfigLoaderLoadOnce() {
		try (ConfigurableApplicationContext context = run("importing")) {
			assertThat(context.getEnvironment().getPropertySources().stream())
				.filteredOn(EtcdPropertySource.class::isInstance)
				.hasSize(1);
			assertThat(context.getBean(EtcdConfigStores.class).getStores()).hasSize(1);
		}
	}

}
