package io.github.etcdconfig.refresh;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.etcdconfig.config.EtcdConfigStores;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.support.ShopBeans;
import io.github.etcdconfig.support.ShopProperties;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance says when it cannot apply a revision: binding or validating a
 * {@code @ConfigurationProperties} bean, converting a {@code @Value}, resolving a
 * placeholder, creating a {@code @RefreshScope} bean again. It publishes
 * {@link EtcdConfigRejectedEvent}, its health and a metric show it, what failed keeps its
 * value, and a later clean revision clears it. Never a value.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdRejectedRevisionTests {

	private static final String FOLDER = "/config-apps/rejecting/";

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	static ConfigurableApplicationContext context;

	static String source;

	@BeforeAll
	static void start() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		keys.deletePrefix(FOLDER);
		keys.put(FOLDER + "shop/name", "corner");
		context = Apps.run(etcd.cluster(), new Class<?>[] { ShopBeans.class }, "spring.application.name=rejecting");
		source = context.getBean(EtcdConfigStores.class).getStores().get(0).getName();
		assertThat(context.getBean(ShopBeans.ScopedShop.class).getLimit()).isEqualTo(5);
	}

	@AfterAll
	static void stop() {
		context.close();
		keys.client().close();
	}

	@AfterEach
	void restore() {
		long revision = keys.deletePrefix(FOLDER + "shop/");
		keys.put(FOLDER + "shop/name", "corner");
		await().atMost(Duration.ofSeconds(10)).until(() -> refresher().getRejection(source) == null);
		assertThat(revision).isPositive();
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|',
			textBlock = """
							shop/pool-size   | many-s3cret   | shop.pool-size   | cannot be converted to int
							shop/pool-size   | 0             | shop.pool-size   | must be greater than or equal to 1
							shop/nested/level| 50            | shop.nested.level| must be less than or equal to 10
							shop/name        | '  '          | shop.name        | must not be blank
							shop/timeout     | 5 s3cret      | shop.timeout     | cannot be converted to Duration
							shop/buffer      | lots-s3cret   | shop.buffer      | cannot be converted to DataSize
							shop/mode        | SLOW-s3cret   | shop.mode        | cannot be converted to Mode (one of FAST, SAFE)
							shop/ports/0     | port-s3cret   | shop.ports[0]    | cannot be converted to Integer
							shop/retries     | some-s3cret   | shop.retries     | cannot be converted to int for @Value of bean 'shopValues' (retries)
							shop/enabled     | maybe-s3cret  | shop.enabled     | cannot be converted to boolean for @Value of bean 'shopValues' (enabled)
							shop/greeting    | ${missing.s3cret} | shop.greeting  | placeholder ${missing.s3cret} cannot be resolved
					shop/scoped-limit| high-s3cret   | shop.scoped-limit| cannot be converted to int for @Value of bean 'scopedShop' (limit)
							""")
	void aValueThatCannotBeAppliedRejectsTheRevisionNamingThePropertyAndWhy(String key, String value, String property,
			String reason, CapturedOutput output) {
		ShopProperties shop = context.getBean(ShopProperties.class);
		ShopBeans.ShopValues values = context.getBean(ShopBeans.ShopValues.class);

		long revision = keys.put(FOLDER + key, value);

		EtcdConfigRejection rejection = awaitRejection(revision);
		assertThat(rejection.properties()).extracting(EtcdRejectedProperty::name).contains(property);
		assertThat(rejection.properties()).anySatisfy((rejected) -> {
			assertThat(rejected.name()).isEqualTo(property);
			assertThat(rejected.reason()).contains(reason);
		});
		assertThat(shop.getPoolSize()).isEqualTo(4);
		assertThat(shop.getNested().getLevel()).isEqualTo(1);
		assertThat(shop.getName()).isEqualTo("corner");
		assertThat(values.retries).isEqualTo(3);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> context.getBean(ShopBeans.Verdicts.class).lastRejection().getRevision() == revision);
		if (value.contains("s3cret") && !value.startsWith("${")) {
			assertThat(rejection.toString()).doesNotContain(value);
			assertThat(output.getAll()).doesNotContain(value);
		}
	}

	@Test
	void theHealthShowsTheRejectedRevisionAndAMetricCountsIt() {
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		double before = rejections(meters);

		long revision = keys.put(FOLDER + "shop/pool-size", "-1");

		awaitRejection(revision);
		Health health = context.getBean("etcdConfigHealthIndicator", HealthIndicator.class).health();
		assertThat(health.getStatus().getCode()).isEqualTo("UP");
		assertThat(health.getDetails().get("rejected")).isEqualTo(Map.of("revision", revision, "properties",
				List.of(Map.of("name", "shop.pool-size", "reason", "must be greater than or equal to 1"))));
		assertThat(rejections(meters)).isEqualTo(before + 1);
	}

	@Test
	void aLaterRevisionThatFixesTheValueClearsTheRejectionAndAppliesIt() {
		long rejected = keys.put(FOLDER + "shop/pool-size", "abc");
		awaitRejection(rejected);

		long fixed = keys.put(FOLDER + "shop/pool-size", "12");

		await().atMost(Duration.ofSeconds(10)).until(() -> refresher().getRejection(source) == null);
		assertThat(context.getBean(ShopProperties.class).getPoolSize()).isEqualTo(12);
		assertThat(refresher().getLastRefresh().revision()).isEqualTo(fixed);
		Health health = context.getBean("etcdConfigHealthIndicator", HealthIndicator.class).health();
		assertThat(health.getDetails()).doesNotContainKey("rejected");
	}

	@Test
	void aRejectedRefreshScopeBeanKeepsItsValueUntilARevisionAppliesCleanly() {
		ShopBeans.ScopedShop scoped = context.getBean(ShopBeans.ScopedShop.class);

		awaitRejection(keys.put(FOLDER + "shop/scoped-limit", "high-s3cret"));

		assertThat(scoped.getLimit()).isEqualTo(5);
		keys.put(FOLDER + "shop/scoped-limit", "7");
		await().atMost(Duration.ofSeconds(10)).until(() -> refresher().getRejection(source) == null);
		assertThat(scoped.getLimit()).isEqualTo(7);
	}

	@Test
	void aLaterRevisionThatLeavesTheBadValueInPlaceIsRejectedToo() {
		keys.put(FOLDER + "shop/pool-size", "abc");
		long unrelated = keys.put(FOLDER + "shop/greeting", "welcome");

		EtcdConfigRejection rejection = awaitRejection(unrelated);

		assertThat(rejection.properties()).extracting(EtcdRejectedProperty::name).containsExactly("shop.pool-size");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "welcome".equals(context.getBean(ShopBeans.ShopValues.class).greeting));
	}

	private static EtcdConfigRejection awaitRejection(long revision) {
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			EtcdConfigRejection rejection = refresher().getRejection(source);
			return rejection != null && rejection.revision() >= revision;
		});
		return refresher().getRejection(source);
	}

	private static EtcdConfigRefresher refresher() {
		return context.getBean(EtcdConfigRefresher.class);
	}

	private static double rejections(MeterRegistry meters) {
		return meters.get("etcd.config.rejections").functionCounter().count();
	}

}
