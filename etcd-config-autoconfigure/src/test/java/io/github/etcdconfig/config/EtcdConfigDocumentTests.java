package io.github.etcdconfig.config;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.origin.OriginLookup;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key ending in .yml, .yaml or .properties holds a whole document.
 */
class EtcdConfigDocumentTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@AutoClose
	static EtcdKeys keys;

	@BeforeAll
	static void seed() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config/application.yml", """
				database:
				  host: from-yaml
				  port: 5432
				  replicas:
				    - r1
				    - r2
				api:
				  timeout: 3000
				---
				spring.config.activate.on-profile: prod
				api:
				  timeout: 9000
				""");
		keys.put("/config/database/host", "from-key");
		keys.put("/config/extra.properties", "mail.host=smtp\nmail.port=25\n");
		keys.put("/config/cache/settings.yaml", "ttl: 60s\n");
		keys.put("/config-apps/billing/application.yml", "database:\n  port: 6543\n");
	}

	@Test
	void aYamlDocumentIsFlattenedIntoProperties() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster())) {
			assertThat(context.getEnvironment().getProperty("database.port")).isEqualTo("5432");
			assertThat(context.getEnvironment().getProperty("database.replicas[1]")).isEqualTo("r2");
			assertThat(context.getEnvironment().getProperty("api.timeout")).isEqualTo("3000");
		}
	}

	@Test
	void aPropertiesDocumentIsRead() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster())) {
			assertThat(context.getEnvironment().getProperty("mail.host")).isEqualTo("smtp");
			assertThat(context.getEnvironment().getProperty("mail.port")).isEqualTo("25");
		}
	}

	@Test
	void aDocumentInAFolderPlacesItsPropertiesUnderTheFolder() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster())) {
			assertThat(context.getEnvironment().getProperty("cache.ttl")).isEqualTo("60s");
		}
	}

	@Test
	void aPlainKeyOverridesADocumentOfTheSameLayer() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster())) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("from-key");
		}
	}

	@Test
	void aDocumentOfAHigherLayerOverridesAPlainKeyOfALowerOne() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "spring.application.name=billing")) {
			assertThat(context.getEnvironment().getProperty("database.port")).isEqualTo("6543");
		}
	}

	@Test
	void sectionsForAnActiveProfileApply() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "spring.profiles.active=prod")) {
			assertThat(context.getEnvironment().getProperty("api.timeout")).isEqualTo("9000");
			assertThat(context.getEnvironment().getProperty("spring.config.activate.on-profile")).isNull();
		}
	}

	@Test
	void aDocumentPropertyNamesItsKeyAndLineAsOrigin() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster())) {
			OriginLookup<String> source = context.getEnvironment()
				.getPropertySources()
				.stream()
				.filter(EtcdPropertySource.class::isInstance)
				.map(EtcdPropertySource.class::cast)
				.findFirst()
				.orElseThrow();
			assertThat(source.getOrigin("database.port").toString()).startsWith("etcd key /config/application.yml")
				.contains("3:9");
		}
	}

}
