package io.github.etcdconfig.refresh;

import java.time.Duration;

import io.github.etcdconfig.support.Applied;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.support.DatabaseProperties;
import io.github.etcdconfig.support.ChangeRecorder;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The seed's ConfigManager.watchConfig(): every change reaches the running application in
 * place.
 */
class EtcdLiveRefreshTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	EtcdKeys keys;

	ConfigurableApplicationContext context;

	ChangeRecorder recorder;

	@BeforeEach
	void start() {
		this.keys = new EtcdKeys(etcd.cluster().newClient());
		this.keys.deletePrefix("/config/");
		this.keys.put("/config/database/host", "postgres");
		this.keys.put("/config/database/port", "5432");
		this.keys.put("/config/api/timeout", "5000");
		this.context = Apps.run(etcd.cluster(), new Class<?>[] { Beans.class }, "spring.config.name=live");
		this.recorder = this.context.getBean(ChangeRecorder.class);
	}

	@AfterEach
	void stop() {
		this.context.close();
		this.keys.client().close();
	}

	private void awaitProperty(String name, String value) {
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.context.getEnvironment().getProperty(name)).isEqualTo(value));
	}

	@Test
	void aPutReachesTheEnvironmentAndARefreshScopeBean() {
		this.keys.put("/config/database/host", "db-2");
		awaitProperty("database.host", "db-2");
		assertThat(this.context.getBean(ScopedBean.class).host()).isEqualTo("db-2");
	}

	@Test
	void aConfigurationPropertiesBeanIsRebound() {
		this.keys.put("/config/database/host", "db-3");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(
					() -> assertThat(this.context.getBean(DatabaseProperties.class).getHost()).isEqualTo("db-3"));
		assertThat(this.context.getBean(DatabaseProperties.class).getPort()).isEqualTo(5432);
	}

	@Test
	void aValueFieldAndAValueSetterOfASingletonAreUpdatedInPlace() {
		ValueBean bean = this.context.getBean(ValueBean.class);
		this.keys.put("/config/api/timeout", "7000");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(bean.timeout).isEqualTo(7000);
			assertThat(bean.timeoutFromSetter).isEqualTo(Duration.ofMillis(7000));
		});
	}

	@Test
	void valueFieldsStayAsInjectedWhenUpdatingValuesIsSwitchedOff() {
		try (ConfigurableApplicationContext other = Apps.run(etcd.cluster(), new Class<?>[] { Beans.class },
				"spring.config.name=live", "etcd.config.refresh.update-values=false")) {
			ValueBean bean = other.getBean(ValueBean.class);
			this.keys.put("/config/api/timeout", "8000");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "8000".equals(other.getEnvironment().getProperty("api.timeout")));
			assertThat(bean.timeout).isEqualTo(5000);
		}
	}

	@Test
	void aValueWithADefaultAndNestedPlaceholdersFollowsEveryPropertyItNames() {
		ValueBean bean = this.context.getBean(ValueBean.class);
		assertThat(bean.url).isEqualTo("jdbc:postgres:5432/fallback-db");
		this.keys.put("/config/database/name", "erp");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(bean.url).isEqualTo("jdbc:postgres:5432/erp"));
		this.keys.put("/config/database/port", "6543");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(bean.url).isEqualTo("jdbc:postgres:6543/erp"));
	}

	@Test
	void aDeletedKeyLeavesTheEnvironmentAndBeansFallBackToTheirDefaults() {
		ValueBean bean = this.context.getBean(ValueBean.class);
		this.keys.delete("/config/database/host");
		this.keys.delete("/config/api/timeout");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(this.context.getEnvironment().containsProperty("database.host")).isFalse();
			assertThat(this.context.getBean(DatabaseProperties.class).getHost()).isEqualTo("localhost");
			assertThat(this.context.getBean(ScopedBean.class).host()).isEqualTo("localhost");
			assertThat(bean.timeout).isEqualTo(1000);
		});
	}

	@Test
	void aTransactionIsOneRefreshAtOneRevision() {
		long revision = this.keys.putAll("/config/database/host", "tx-host", "/config/database/port", "7777",
				"/config/api/timeout", "1");
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.recorder.changes().isEmpty());
		assertThat(this.recorder.changes()).hasSize(1);
		assertThat(this.recorder.last().getRevision()).isEqualTo(revision);
		assertThat(this.recorder.last().getChanges()).extracting("name")
			.containsExactlyInAnyOrder("database.host", "database.port", "api.timeout");
	}

	@Test
	void theChangeEventCarriesOldAndNewValuesButItsTextShowsNone() {
		this.keys.put("/config/database/password", "s3cr3t-1");
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.recorder.changes().isEmpty());
		this.keys.put("/config/database/password", "s3cr3t-2");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.recorder.changes().size() == 2);
		EtcdConfigChangedEvent event = this.recorder.last();
		assertThat(event.getChanges()).singleElement().satisfies((change) -> {
			assertThat(change.key()).isEqualTo("/config/database/password");
			assertThat(change.oldValue()).isEqualTo("s3cr3t-1");
			assertThat(change.newValue()).isEqualTo("s3cr3t-2");
		});
		assertThat(event.toString()).contains("database.password").doesNotContain("s3cr3t");
	}

	@Test
	void keysOutsideThePrefixesCauseNoRefresh() {
		this.keys.put("/milvus/meta/x", "1");
		this.keys.put("/config/marker", "done");
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.recorder.changes().isEmpty());
		assertThat(this.recorder.changes()).hasSize(1);
		assertThat(this.recorder.last().getChanges()).extracting("name").containsExactly("marker");
	}

	@Test
	void aPutOfTheSameValueCausesNoRefresh() {
		this.keys.put("/config/database/host", "postgres");
		this.keys.put("/config/marker", "done");
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.recorder.changes().isEmpty());
		assertThat(this.recorder.changes()).hasSize(1);
	}

	@Test
	void aChangedDocumentReportsExactlyTheNamesThatChanged() {
		this.keys.put("/config/application.yml", "mail:\n  host: a\n  port: 25\n  user: x\n");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.recorder.changes().size() == 1);
		this.keys.put("/config/application.yml", "mail:\n  host: b\n  port: 25\n");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.recorder.changes().size() == 2);
		assertThat(this.recorder.last().getChanges()).extracting("name")
			.containsExactlyInAnyOrder("mail.host", "mail.user");
	}

	@Test
	void aLoggingLevelChangeTakesEffect() {
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		this.keys.put("/config/logging/level/com/example/etcd", "TRACE");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(effectiveLevel(logging, "com.example.etcd")).isEqualTo(LogLevel.TRACE));
	}

	@Test
	void aChangeOutsideLoggingLeavesLogLevelsAlone() {
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		this.keys.put("/config/logging/level/com/example/quiet", "INFO");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(effectiveLevel(logging, "com.example.quiet")).isEqualTo(LogLevel.INFO));
		// Set at run time, as /actuator/loggers does; the stock LoggingRebinder would
		// undo it on any change.
		logging.setLogLevel("com.example.quiet", LogLevel.DEBUG);
		long revision = this.keys.put("/config/database/host", "db-quiet");
		Applied.awaitRevision(this.context, revision);
		assertThat(logging.getLoggerConfiguration("com.example.quiet").getEffectiveLevel()).isEqualTo(LogLevel.DEBUG);
	}

	// The logger exists only once a level was applied to it.
	private static LogLevel effectiveLevel(LoggingSystem logging, String name) {
		LoggerConfiguration configuration = logging.getLoggerConfiguration(name);
		return (configuration != null) ? configuration.getEffectiveLevel() : null;
	}

	@Test
	void propertiesThatReferToAChangedOneThroughPlaceholdersChangeToo() {
		// live.properties: app.database-url=db://${database.host}
		this.keys.put("/config/database/host", "db-9");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(this.context.getBean(AppProperties.class).getDatabaseUrl()).isEqualTo("db://db-9");
			assertThat(this.context.getBean(ValueBean.class).databaseUrl).isEqualTo("db://db-9");
			assertThat(this.recorder.changes()).singleElement()
				.satisfies(
						(event) -> assertThat(event.getChanges()).extracting("name").containsExactly("database.host"));
			assertThat(this.recorder.environmentChanges()).singleElement()
				.satisfies((event) -> assertThat(event.getKeys()).contains("database.host", "app.database-url"));
		});
	}

	@Test
	void anExplicitRefreshServesEtcdValuesFromTheSnapshotWithoutReadingEtcd() {
		this.keys.put("/config/database/host", "db-4");
		awaitProperty("database.host", "db-4");
		long reads = etcd.cluster().member(0).rangesServed();
		this.context.getBean(ContextRefresher.class).refresh();
		assertThat(etcd.cluster().member(0).rangesServed()).isEqualTo(reads);
		assertThat(this.context.getEnvironment().getProperty("database.host")).isEqualTo("db-4");
		this.keys.put("/config/database/host", "db-5");
		awaitProperty("database.host", "db-5");
		assertThat(this.context.getBean(ScopedBean.class).host()).isEqualTo("db-5");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ DatabaseProperties.class, AppProperties.class })
	@Import({ ChangeRecorder.class, ValueBean.class })
	static class Beans {

		@Bean
		@RefreshScope
		ScopedBean scopedBean(@Value("${database.host:localhost}") String host) {
			return new ScopedBean(host);
		}

	}

	static class ScopedBean {

		private final String host;

		ScopedBean(String host) {
			this.host = host;
		}

		String host() {
			return this.host;
		}

	}

	static class ValueBean {

		@Value("${api.timeout:1000}")
		volatile int timeout;

		volatile Duration timeoutFromSetter;

		@Value("jdbc:${database.host}:${database.port}/${database.name:fallback-db}")
		volatile String url;

		@Value("${app.database-url}")
		volatile String databaseUrl;

		@Value("${api.timeout:1000}ms")
		void setTimeoutFromSetter(Duration timeout) {
			this.timeoutFromSetter = timeout;
		}

	}

	@ConfigurationProperties("app")
	static class AppProperties {

		private String databaseUrl;

		public String getDatabaseUrl() {
			return this.databaseUrl;
		}

		public void setDatabaseUrl(String databaseUrl) {
			this.databaseUrl = databaseUrl;
		}

	}

}
