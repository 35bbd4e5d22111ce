package io.github.etcdconfig.refresh;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.etcdconfig.support.Applied;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Names that appear and disappear while the application runs reach everything that reads
 * configuration: the Environment, {@code @Value}, {@code @ConfigurationProperties} beans
 * (their maps, their nested beans) and Spring Boot's relaxed binding.
 */
class EtcdNameChangeTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	EtcdKeys keys;

	ConfigurableApplicationContext context;

	FeatureProperties features;

	@BeforeEach
	void start() {
		this.keys = new EtcdKeys(etcd.cluster().newClient());
		this.keys.deletePrefix("/config/");
		this.keys.put("/config/features/flags/search", "on");
		this.keys.put("/config/features/retryDelay", "250");
		this.context = Apps.run(etcd.cluster(), new Class<?>[] { Beans.class });
		this.features = this.context.getBean(FeatureProperties.class);
	}

	@AfterEach
	void stop() {
		this.context.close();
		this.keys.client().close();
	}

	@Test
	void aNewNameReachesTheEnvironmentAndAValueField() {
		ValueBean bean = this.context.getBean(ValueBean.class);
		assertThat(bean.banner).isEqualTo("none");
		this.keys.put("/config/features/banner", "welcome");
		await().atMost(Duration.ofSeconds(10)).until(() -> "welcome".equals(bean.banner));
		assertThat(this.context.getEnvironment().getProperty("features.banner")).isEqualTo("welcome");
	}

	@Test
	void aNewNameBecomesAnEntryOfABoundMap() {
		assertThat(this.features.getFlags()).containsExactly(Map.entry("search", "on"));
		this.keys.put("/config/features/flags/checkout", "off");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.features.getFlags()).containsEntry("checkout", "off")
				.containsEntry("search", "on"));
	}

	@Test
	void aRemovedNameLeavesTheEnvironmentTheMapAndTheValueField() {
		ValueBean bean = this.context.getBean(ValueBean.class);
		this.keys.put("/config/features/banner", "welcome");
		this.keys.put("/config/features/flags/checkout", "off");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "welcome".equals(bean.banner) && this.features.getFlags().containsKey("checkout"));
		this.keys.delete("/config/features/banner");
		this.keys.delete("/config/features/flags/checkout");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "none".equals(bean.banner) && !this.features.getFlags().containsKey("checkout"));
		assertThat(this.context.getEnvironment().getProperty("features.banner")).isNull();
		assertThat(this.features.getFlags()).containsExactly(Map.entry("search", "on"));
	}

	@Test
	void aMapWhoseFirstEntryAppearsAtRunTimeIsBound() {
		assertThat(this.features.getLimits()).isEmpty();
		this.keys.put("/config/features/limits/daily", "100");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.features.getLimits()).containsExactly(Map.entry("daily", 100)));
	}

	@Test
	void aCamelCaseKeyBindsToItsPropertyAtStartUpAndWhenItAppearsAtRunTime() {
		assertThat(this.features.getRetryDelay()).isEqualTo(250);
		assertThat(this.context.getEnvironment().getProperty("features.retry-delay")).isEqualTo("250");
		assertThat(this.features.getMaxRetries()).isEqualTo(3);
		this.keys.put("/config/features/maxRetries", "7");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.features.getMaxRetries() == 7);
		assertThat(this.context.getEnvironment().getProperty("features.max-retries")).isEqualTo("7");
		assertThat(this.context.getEnvironment().getProperty("features.maxRetries")).isEqualTo("7");
	}

	@Test
	void aNestedBeanWhoseFirstPropertyAppearsAtRunTimeIsRebound() {
		assertThat(this.features.getLimitsPolicy().getBurst()).isEqualTo(10);
		this.keys.put("/config/features/limits-policy/burst", "40");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.features.getLimitsPolicy().getBurst() == 40);
	}

	@Test
	void aBinderOfTheEnvironmentFindsNewNamesOfAGroup() {
		this.keys.put("/config/logging/level/com/example/names", "debug");
		long revision = this.keys.put("/config/other/thing", "x");
		Applied.awaitRevision(this.context, revision);
		Map<String, String> levels = Binder.get(this.context.getEnvironment())
			.bind("logging.level", Bindable.mapOf(String.class, String.class))
			.orElse(Map.of());
		assertThat(levels).containsEntry("com.example.names", "debug");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(FeatureProperties.class)
	@Import(ValueBean.class)
	static class Beans {

	}

	static class ValueBean {

		@Value("${features.banner:none}")
		volatile String banner;

	}

	@ConfigurationProperties("features")
	static class FeatureProperties {

		private volatile Map<String, String> flags = new LinkedHashMap<>();

		private volatile Map<String, Integer> limits = new LinkedHashMap<>();

		private volatile int retryDelay;

		private volatile int maxRetries = 3;

		private final Policy limitsPolicy = new Policy();

		public Map<String, String> getFlags() {
			return this.flags;
		}

		public void setFlags(Map<String, String> flags) {
			this.flags = flags;
		}

		public Map<String, Integer> getLimits() {
			return this.limits;
		}

		public void setLimits(Map<String, Integer> limits) {
			this.limits = limits;
		}

		public int getRetryDelay() {
			return this.retryDelay;
		}

		public void setRetryDelay(int retryDelay) {
			this.retryDelay = retryDelay;
		}

		public int getMaxRetries() {
			return this.maxRetries;
		}

		public void setMaxRetries(int maxRetries) {
			this.maxRetries = maxRetries;
		}

		public Policy getLimitsPolicy() {
			return this.limitsPolicy;
		}

		static class Policy {

			private volatile int burst = 10;

			public int getBurst() {
				return this.burst;
			}

			public void setBurst(int burst) {
				this.burst = burst;
			}

		}

	}

}
