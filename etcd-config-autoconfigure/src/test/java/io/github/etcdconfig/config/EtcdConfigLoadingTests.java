package io.github.etcdconfig.config;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.support.DatabaseProperties;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.PropertySource;
import org.springframework.stereotype.Component;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's ConfigManager.loadConfig(), with nothing but the starter: keys under
 * /config/ become properties.
 */
class EtcdConfigLoadingTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@AutoClose
	static EtcdKeys keys;

	@BeforeAll
	static void seed() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config/app-name", "my-application");
		keys.put("/config/database/host", "postgres");
		keys.put("/config/database/port", "5432");
		keys.put("/config/database/name", "erp");
		keys.put("/config/api/rate-limit", "100");
		keys.put("/config/api/timeout", "5000");
		keys.put("/milvus/meta/not-config", "ignored");
	}

	@Test
	void everyKeyUnderConfigIsAPropertyWithThePrefixStrippedAndSlashesAsDots() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster())) {
			assertThat(context.getEnvironment().getProperty("app-name")).isEqualTo("my-application");
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("postgres");
			assertThat(context.getEnvironment().getProperty("api.rate-limit", Integer.class)).isEqualTo(100);
			assertThat(context.getEnvironment().getProperty("meta.not-config")).isNull();
		}
	}

	@Test
	void valueFieldsAndConfigurationPropertiesBeansSeeTheValues() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), new Class<?>[] { Beans.class })) {
			assertThat(context.getBean(ValueBean.class).host).isEqualTo("postgres");
			assertThat(context.getBean(ValueBean.class).timeout).isEqualTo(5000);
			DatabaseProperties database = context.getBean(DatabaseProperties.class);
			assertThat(database.getHost()).isEqualTo("postgres");
			assertThat(database.getPort()).isEqualTo(5432);
			assertThat(database.getName()).isEqualTo("erp");
		}
	}

	@Test
	void disabledLoadsNothing() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "etcd.config.enabled=false")) {
			assertThat(context.getEnvironment().getProperty("database.host")).isNull();
			assertThat(context.getEnvironment().getPropertySources().stream())
				.noneMatch(EtcdPropertySource.class::isInstance);
		}
	}

	@Test
	void everyPropertyNamesItsKeyAndRevisionAsOrigin() {
		long revision = keys.put("/config/api/timeout", "5000");
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster())) {
			PropertySource<?> source = context.getEnvironment()
				.getPropertySources()
				.stream()
				.filter(EtcdPropertySource.class::isInstance)
				.findFirst()
				.orElseThrow();
			assertThat(((OriginLookup<String>) source).getOrigin("api.timeout"))
				.hasToString("etcd key /config/api/timeout (revision " + revision + ")");
		}
	}

	@Test
	void theClientIsClosedWithTheContext() {
		EtcdConfigStore store;
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster())) {
			store = context.getBean(EtcdConfigStores.class).getStores().get(0);
			assertThat(store.isClosed()).isFalse();
		}
		assertThat(store.isClosed()).isTrue();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(DatabaseProperties.class)
	@Import(ValueBean.class)
	static class Beans {

	}

	@Component
	static class ValueBean {

		@Value("${database.host}")
		String host;

		@Value("${api.timeout}")
		int timeout;

	}

}
