package io.github.etcdconfig.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.etcdconfig.ranges.EtcdKeyEvent;
import io.github.etcdconfig.support.ChangeRecorder;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A staged rollout's values, under {@code _rollout/values/} in the application's layer,
 * are shown to the instances its selector matches, and only to them: above the
 * application layer, below its profile layers, in one refresh with the selector.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdRolloutLayerTests {

	private static final String APP = "/config-apps/orders/";

	private static final String SELECTOR = APP + "_rollout/selector";

	private static final String VALUES = APP + "_rollout/values/";

	private static final EtcdInstanceIdentity CANARY = new EtcdInstanceIdentity("orders-1", Map.of("zone", "a"));

	private static final EtcdInstanceIdentity OTHER = new EtcdInstanceIdentity("orders-2", Map.of("zone", "b"));

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	EtcdKeys keys;

	@BeforeEach
	void start() {
		this.keys = new EtcdKeys(etcd.cluster().newClient());
		this.keys.deletePrefix(APP);
		this.keys.put(APP + "greeting", "hello");
		this.keys.put(APP + "limit", "5");
		this.keys.put(APP + "profiles/prod/limit", "50");
	}

	@AfterEach
	void stop() {
		this.keys.client().close();
	}

	private ConfigurableApplicationContext run() {
		return Apps.run(etcd.cluster(), new Class<?>[] { ChangeRecorder.class }, "spring.application.name=orders",
				"spring.profiles.active=prod");
	}

	private static void identify(ConfigurableApplicationContext app, EtcdInstanceIdentity identity) throws Exception {
		app.getBean(EtcdConfigStores.BEAN_NAME, EtcdConfigStores.class).setIdentity(identity).get(10, TimeUnit.SECONDS);
	}

	private static String selector(String id, String rule) {
		return "{\"id\": \"" + id + "\", \"seed\": \"s\", \"rules\": [" + rule + "]}";
	}

	private static EtcdConfigSnapshot snapshot(ConfigurableApplicationContext app) {
		return app.getBean(EtcdConfigStores.BEAN_NAME, EtcdConfigStores.class).getStores().get(0).getSnapshot();
	}

	@Test
	void aMatchingInstanceShowsTheRolloutAboveTheApplicationLayerAndBelowItsProfiles() throws Exception {
		long revision = this.keys.putAll(SELECTOR, selector("r-1", "{\"instances\": [\"orders-1\"]}"),
				VALUES + "greeting", "bonjour", VALUES + "limit", "7");
		try (ConfigurableApplicationContext app = run()) {
			assertThat(app.getEnvironment().getProperty("greeting")).isEqualTo("hello");
			identify(app, CANARY);
			assertThat(app.getEnvironment().getProperty("greeting")).isEqualTo("bonjour");
			assertThat(app.getEnvironment().getProperty("limit")).isEqualTo("50");
			assertThat(snapshot(app).getRollout()).isEqualTo(new EtcdConfigSnapshot.Rollout("r-1", revision));
		}
	}

	@Test
	void anInstanceTheSelectorDoesNotMatchNeverSeesARolloutValue() throws Exception {
		try (ConfigurableApplicationContext app = run()) {
			identify(app, OTHER);
			AtomicBoolean sampling = new AtomicBoolean(true);
			AtomicInteger leaks = new AtomicInteger();
			AtomicInteger samples = new AtomicInteger();
			Thread sampler = new Thread(() -> {
				while (sampling.get()) {
					if (!"hello".equals(app.getEnvironment().getProperty("greeting"))) {
						leaks.incrementAndGet();
					}
					samples.incrementAndGet();
				}
			});
			sampler.start();
			this.keys.putAll(SELECTOR, selector("r-2", "{\"instances\": [\"orders-1\"]}"), VALUES + "greeting",
					"bonjour");
			this.keys.put(SELECTOR,
					selector("r-2", "{\"instances\": [\"orders-1\"]}, {\"metadata\": {\"zone\": \"a\"}}"));
			long last = this.keys.put(VALUES + "greeting", "hola");
			await().atMost(Duration.ofSeconds(10)).until(() -> snapshot(app).getRevision() == last);
			sampling.set(false);
			sampler.join();
			assertThat(samples.get()).isPositive();
			assertThat(leaks.get()).isZero();
			assertThat(snapshot(app).getRollout()).isNull();
		}
	}

	@Test
	void aTransactionOfSelectorAndValuesIsOneRefresh() throws Exception {
		try (ConfigurableApplicationContext app = run()) {
			identify(app, CANARY);
			ChangeRecorder recorder = app.getBean(ChangeRecorder.class);
			int before = recorder.changes().size();
			long revision = this.keys.putAll(SELECTOR, selector("r-3", "{\"below\": 1}"), VALUES + "greeting",
					"bonjour", VALUES + "limit", "7");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "bonjour".equals(app.getEnvironment().getProperty("greeting")));
			assertThat(recorder.changes()).hasSize(before + 1);
			assertThat(recorder.last().getRevision()).isEqualTo(revision);
			assertThat(snapshot(app).getRollout()).isEqualTo(new EtcdConfigSnapshot.Rollout("r-3", revision));
		}
	}

	@Test
	void wideningTheSelectorShowsTheValuesToTheInstancesItAdmitsNow() throws Exception {
		this.keys.putAll(SELECTOR, selector("r-4", "{\"instances\": [\"orders-9\"]}"), VALUES + "greeting", "bonjour");
		try (ConfigurableApplicationContext app = run()) {
			identify(app, CANARY);
			assertThat(app.getEnvironment().getProperty("greeting")).isEqualTo("hello");
			ChangeRecorder recorder = app.getBean(ChangeRecorder.class);
			int before = recorder.changes().size();
			long widened = this.keys.put(SELECTOR,
					selector("r-4", "{\"instances\": [\"orders-9\"]}, {\"metadata\": {\"zone\": \"a\"}}"));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "bonjour".equals(app.getEnvironment().getProperty("greeting")));
			assertThat(recorder.changes()).hasSize(before + 1);
			assertThat(snapshot(app).getRollout()).isEqualTo(new EtcdConfigSnapshot.Rollout("r-4", widened));
		}
	}

	@Test
	void removingTheRolloutRestoresThePreviousValuesInOneRefresh() throws Exception {
		this.keys.putAll(SELECTOR, selector("r-5", "{\"below\": 1}"), VALUES + "greeting", "bonjour", VALUES + "limit",
				"7", VALUES + "extra", "new");
		try (ConfigurableApplicationContext app = run()) {
			identify(app, CANARY);
			assertThat(app.getEnvironment().getProperty("extra")).isEqualTo("new");
			ChangeRecorder recorder = app.getBean(ChangeRecorder.class);
			int before = recorder.changes().size();
			this.keys.deletePrefix(APP + "_rollout/");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "hello".equals(app.getEnvironment().getProperty("greeting")));
			assertThat(app.getEnvironment().getProperty("extra")).isNull();
			assertThat(app.getEnvironment().getProperty("limit")).isEqualTo("50");
			assertThat(recorder.changes()).hasSize(before + 1);
			// The profile layer still wins limit: it does not change.
			assertThat(recorder.last().getChanges()).extracting(EtcdPropertyChange::name)
				.containsOnly("greeting", "extra");
			assertThat(snapshot(app).getRollout()).isNull();
		}
	}

	@Test
	void aMalformedSelectorMatchesNoInstanceAndIsReportedByKeyWithoutItsValue(CapturedOutput output) throws Exception {
		this.keys.putAll(SELECTOR, "{\"id\": \"r-6\", \"rules\": \"s3cret\"}", VALUES + "greeting", "bonjour");
		try (ConfigurableApplicationContext app = run()) {
			identify(app, CANARY);
			assertThat(app.getEnvironment().getProperty("greeting")).isEqualTo("hello");
			assertThat(output).contains("WARN").contains("etcd key " + SELECTOR + ": the rollout selector has no seed");
			assertThat(output).doesNotContain("s3cret");
		}
	}

	@Test
	void theRolloutFolderIsNeverAProperty() throws Exception {
		this.keys.putAll(SELECTOR, selector("r-7", "{\"below\": 1}"), VALUES + "greeting", "bonjour",
				APP + "_rollout/other", "x");
		try (ConfigurableApplicationContext app = run()) {
			identify(app, CANARY);
			assertThat(app.getEnvironment().getProperty("greeting")).isEqualTo("bonjour");
			assertThat(snapshot(app).getPropertyNames()).noneMatch((name) -> name.startsWith("_rollout"));
			ConfigurableEnvironment environment = app.getEnvironment();
			for (var source : environment.getPropertySources()) {
				if (source instanceof EnumerablePropertySource<?> enumerable) {
					assertThat(enumerable.getPropertyNames()).noneMatch((name) -> name.startsWith("_rollout"));
				}
			}
			assertThat(environment.getProperty("_rollout.selector")).isNull();
			assertThat(environment.getProperty("_rollout.values.greeting")).isNull();
		}
	}

	@Test
	void aDocumentKeyInTheRolloutIsShownAsTheApplicationLayersDocumentsAre() throws Exception {
		this.keys.putAll(SELECTOR, selector("r-8", "{\"instances\": [\"orders-1\"]}"), VALUES + "application.yml",
				"greeting: guten tag\nrollout:\n  only: shown\n");
		try (ConfigurableApplicationContext app = run()) {
			identify(app, OTHER);
			assertThat(app.getEnvironment().getProperty("rollout.only")).isNull();
			identify(app, CANARY);
			assertThat(app.getEnvironment().getProperty("greeting")).isEqualTo("guten tag");
			assertThat(app.getEnvironment().getProperty("rollout.only")).isEqualTo("shown");
		}
	}

	@Test
	void theSnapshotFileKeepsTheSelectorAndShowsTheRolloutOnlyOnceTheIdentityMatches(@TempDir Path folder)
			throws Exception {
		EtcdConfigLayout layout = EtcdConfigLayout
			.resolve(new EtcdConfigProperties().getPrefixes(), "orders", List.of())
			.withRolloutLayers();
		EtcdConfigSnapshot saved = EtcdConfigSnapshot.of(layout, 9,
				List.of(event(APP + "greeting", "hello"),
						event(SELECTOR, selector("r-9", "{\"instances\": [\"orders-1\"]}")),
						event(VALUES + "greeting", "bonjour")),
				(problem) -> {
				})
			.withIdentity(CANARY)
			.snapshot();
		EtcdConfigSnapshotFile file = new EtcdConfigSnapshotFile(folder.resolve("orders.snapshot"));
		file.write(saved);
		file.close();

		EtcdConfigSnapshot read = new EtcdConfigSnapshotFile(folder.resolve("orders.snapshot")).read(layout,
				(problem) -> {
				});

		assertThat(read.getProperty("greeting")).isEqualTo("hello");
		assertThat(read.withIdentity(OTHER).snapshot().getProperty("greeting")).isEqualTo("hello");
		assertThat(read.withIdentity(CANARY).snapshot().getProperty("greeting")).isEqualTo("bonjour");
	}

	private static EtcdKeyEvent event(String key, String value) {
		return EtcdKeyEvent.put(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), 9);
	}

	@Test
	void operatorToolsSeeNoRolloutLayerAndNoRolloutKeyInTheApplicationLayer() {
		EtcdConfigLayout layout = EtcdConfigLayout.resolve(new EtcdConfigProperties().getPrefixes(), "orders",
				List.of());
		assertThat(layout.prefixes()).containsExactly("/config/", APP);
		assertThat(layout.layerOf(SELECTOR)).isEqualTo(-1);
		assertThat(layout.layerOf(VALUES + "greeting")).isEqualTo(-1);
		assertThat(layout.layerRanges(1)).hasToString("[[/config-apps/orders/, /config-apps/orders/_rollout/), "
				+ "[/config-apps/orders/_rollout0, /config-apps/orders/profiles/), "
				+ "[/config-apps/orders/profiles0, /config-apps/orders0)]");
		EtcdConfigLayout instance = layout.withRolloutLayers();
		assertThat(instance.prefixes()).containsExactly("/config/", APP, VALUES);
		assertThat(instance.ranges()).isEqualTo(layout.ranges());
		assertThat(Set.of(instance.layerOf(VALUES + "greeting"))).containsExactly(2);
	}

}
