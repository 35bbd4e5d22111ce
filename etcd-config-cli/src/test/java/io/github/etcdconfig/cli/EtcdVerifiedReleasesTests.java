package io.github.etcdconfig.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.github.etcdconfig.cli.shop.ShopApplication;
import io.github.etcdconfig.release.EtcdConfigFile;
import io.github.etcdconfig.release.EtcdInstanceStatus;
import io.github.etcdconfig.release.EtcdInstanceVerdict;
import io.github.etcdconfig.release.EtcdPushOptions;
import io.github.etcdconfig.release.EtcdReleaseException;
import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleaseReview;
import io.github.etcdconfig.release.EtcdReleaseSettings;
import io.github.etcdconfig.release.EtcdReleaseWorkflow;
import io.github.etcdconfig.release.EtcdReleases;
import io.github.etcdconfig.release.EtcdVerifyOptions;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Verified releases end to end (issue 22): a seeded corpus of bad releases, each rejected
 * by the running instances before anything is written, with the instance and the property
 * named, through the CLI and through the workflow the console's review calls
 * ({@link EtcdReleaseWorkflow#review}, the same API path for every case); good releases
 * accepted with no false rejection; and, without verification, the bad releases stopping
 * {@code push --wait} with exit code 6 within a second of the instance's rejection.
 *
 * <p>
 * Two instances of {@link ShopApplication} run for the whole class, one of them with the
 * profile {@code canary}: a bad value in the canary layer is rejected by that instance
 * alone.
 */
class EtcdVerifiedReleasesTests {

	private static final String STABLE = "shop/shop-127.0.0.1-9811";

	private static final String CANARY = "shop/shop-127.0.0.1-9812";

	private static final Duration ROLLOUT = Duration.ofSeconds(30);

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	static Cli cli;

	static EtcdReleases releases;

	static EtcdReleaseWorkflow workflow;

	static ConfigurableApplicationContext stable;

	static ConfigurableApplicationContext canary;

	@TempDir
	static Path dir;

	@BeforeAll
	static void start() {
		// The CLI logs nowhere (slf4j-nop): the applications beside it do without Boot's
		// logging system.
		System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
		keys = new EtcdKeys(etcd.cluster().newClient());
		cli = new Cli("--endpoints", etcd.cluster().endpointsProperty());
		releases = new EtcdReleases(keys.client(), EtcdReleaseSettings.defaults());
		workflow = new EtcdReleaseWorkflow(releases);
		stable = shop(9811);
		canary = shop(9812, "spring.profiles.active=canary");
		await().atMost(ROLLOUT)
			.until(() -> releases.instances("shop").stream().filter(EtcdInstanceStatus::verifies).count() == 2);
	}

	@AfterAll
	static void stop() {
		for (AutoCloseable closeable : new AutoCloseable[] { stable, canary, keys }) {
			try {
				if (closeable != null) {
					closeable.close();
				}
			}
			catch (Exception ex) {
				// Stopping.
			}
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("bad")
	void aBadReleaseIsRejectedThroughTheCliBeforeAnythingIsWrittenNamingTheInstanceAndProperty(Release release) {
		SortedMap<String, String> before = keys.values("/config-apps/shop/");
		SortedMap<String, String> records = keys.values("/config-releases/");
		Cli.Result push = cli.run(release.push(dir, "--yes"));

		assertThat(push.exitCode()).as(push.err()).isEqualTo(EtcdConfigCli.REJECTED);
		assertThat(push.err()).contains("nothing was written");
		for (String instance : release.rejectedBy()) {
			assertThat(push.out()).containsPattern(instance + " rejected .*" + release.quotedProperty());
		}
		assertThat(keys.values("/config-apps/shop/")).isEqualTo(before);
		assertThat(keys.values("/config-releases/")).isEqualTo(records);
		assertThat(keys.values("/config-proposals/")).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("bad")
	void aBadReleaseIsRejectedInTheConsolesReviewAndCannotBePublished(Release release) {
		SortedMap<String, String> before = keys.values("/config-apps/shop/");
		EtcdReleaseReview review = workflow.review(release.plan(), "alice", EtcdVerifyOptions.DEFAULT);

		assertThat(review.isRejected()).isTrue();
		assertThat(review.verification().rejections()).extracting(EtcdInstanceVerdict::instance)
			.containsExactlyInAnyOrderElementsOf(release.rejectedBy());
		assertThat(review.verification().rejections()).allSatisfy((verdict) -> assertThat(verdict.properties())
			.anySatisfy((property) -> assertThat(property.name()).contains(release.property())));
		assertThatExceptionOfType(EtcdReleaseException.class).isThrownBy(() -> workflow.publish(review, "alice", null))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(EtcdReleaseException.Reason.REJECTED));
		assertThat(keys.values("/config-apps/shop/")).isEqualTo(before);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("bad")
	void withoutVerificationABadReleaseStopsPushWaitWithExitSixWithinASecondOfTheRejection(Release release) {
		SortedMap<String, String> before = keys.values("/config-apps/shop/");
		AtomicLong rejectedAt = new AtomicLong();
		// From the next revision on: a watch that etcd sets up after the push began still
		// sees the rejection.
		WatchOption fromNow = WatchOption.builder().isPrefix(true).withRevision(keys.revision() + 1).build();
		try (Watch.Watcher registry = keys.client()
			.getWatchClient()
			.watch(EtcdKeys.bytes("/services/shop/"), fromNow,
					Watch.listener((response) -> response.getEvents()
						.stream()
						.filter((event) -> event.getKeyValue().getValue().toString().contains("\"rejected\""))
						.forEach((event) -> rejectedAt.compareAndSet(0, System.nanoTime()))))) {
			Cli.Result push = cli.run(release.push(dir, "--yes", "--no-verify", "--wait=30s"));
			long exited = System.nanoTime();

			assertThat(push.exitCode()).as(push.out() + push.err()).isEqualTo(EtcdConfigCli.REJECTED);
			// The wait ends at the first rejection: the other instance may not have
			// reported yet.
			assertThat(push.err()).contains("Rejected: ", release.property())
				.containsAnyOf(release.rejectedBy().toArray(String[]::new));
			// This test's own watch may hear of the rejection a moment after the CLI's
			// did.
			await().atMost(Duration.ofSeconds(5)).until(() -> rejectedAt.get() > 0);
			assertThat(Duration.ofNanos(exited - rejectedAt.get())).isLessThan(Duration.ofSeconds(1));
		}
		finally {
			restore(before);
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("good")
	void aGoodReleaseIsAcceptedByTheInstancesAndPublished(Release release) {
		SortedMap<String, String> before = keys.values("/config-apps/shop/");
		try {
			Cli.Result push = cli.run(release.push(dir, "--yes", "--wait=30s"));

			assertThat(push.exitCode()).as(push.out() + push.err()).isZero();
			assertThat(push.out()).contains("Verified: ").doesNotContain(" rejected");
			assertThat(push.out()).contains(STABLE + " " + ((release.profile() != null) ? "ignored" : "accepted"))
				.contains(CANARY + " accepted");
		}
		finally {
			// Every release of the corpus starts from the same layers: a value left in
			// the canary layer would hide the application layer's from that instance.
			restore(before);
		}
	}

	static Stream<Release> bad() {
		List<Release> corpus = new ArrayList<>();
		corpus.add(bad("int", "shop.pool-size: abc", "shop.pool-size"));
		corpus.add(bad("int, a fraction", "shop.pool-size: 1.5", "shop.pool-size"));
		corpus.add(bad("long", "shop.max-bytes: 12x", "shop.max-bytes"));
		corpus.add(bad("long, too big", "shop.max-bytes: 99999999999999999999", "shop.max-bytes"));
		corpus.add(bad("boolean", "shop.enabled: maybe", "shop.enabled"));
		corpus.add(bad("Duration", "shop.timeout: 5 sec", "shop.timeout"));
		corpus.add(bad("Duration, a word", "shop.timeout: soon", "shop.timeout"));
		corpus.add(bad("DataSize", "shop.buffer-size: 12 parsecs", "shop.buffer-size"));
		corpus.add(bad("DataSize, a word", "shop.buffer-size: lots", "shop.buffer-size"));
		corpus.add(bad("enum", "shop.mode: TURBO", "shop.mode"));
		corpus.add(bad("list index", "shop:\n  ports:\n    - 8080\n    - abc", "shop.ports"));
		corpus.add(bad("@Min", "shop.pool-size: 0", "shop.pool-size"));
		corpus.add(bad("@Max", "shop.pool-size: 101", "shop.pool-size"));
		corpus.add(bad("@NotBlank", "shop.name: ' '", "shop.name"));
		corpus.add(bad("@Pattern", "shop.code: ABC1", "shop.code"));
		corpus.add(bad("a nested bean's @Min", "shop.retry.attempts: 0", "shop.retry.attempts"));
		corpus.add(bad("a nested bean's int", "shop.retry.attempts: many", "shop.retry.attempts"));
		corpus.add(bad("@Value int", "greeting.count: many", "greeting.count"));
		corpus.add(bad("@Value placeholder", "greeting.text: ${missing.name}", "greeting.text"));
		corpus.add(bad("bound property placeholder", "shop.url: http://${missing.host}/", "shop.url"));
		corpus.add(new Release("document key application.yml", null, "application.yml", "shop:\n  pool-size: abc",
				"shop.pool-size", List.of(STABLE, CANARY)));
		corpus
			.add(new Release("profile layer", "canary", null, "shop.timeout: 5 sec", "shop.timeout", List.of(CANARY)));
		return corpus.stream();
	}

	static Stream<Release> good() {
		return Stream
			.of(good("pool at its minimum", "shop.pool-size: 1"), good("pool at its maximum", "shop.pool-size: 100"),
					good("long", "shop.max-bytes: 9000000000"), good("boolean", "shop.enabled: false"),
					good("Duration", "shop.timeout: 10s"), good("ISO Duration", "shop.timeout: PT1M"),
					good("DataSize", "shop.buffer-size: 10MB"), good("DataSize in KB", "shop.buffer-size: 512KB"),
					good("enum", "shop.mode: SLOW"), good("enum, relaxed", "shop.mode: fast"),
					good("list", "shop:\n  ports:\n    - 9090\n    - 9091"), good("@NotBlank", "shop.name: billing"),
					good("@Pattern", "shop.code: xyz"), good("nested bean", "shop.retry.attempts: 5"),
					good("@Value int", "greeting.count: 7"),
					good("@Value with a placeholder that resolves", "greeting.text: hello ${spring.application.name}"),
					good("bound property with a placeholder that resolves",
							"shop.url: http://${spring.application.name}.example"),
					good("a property no bean reads", "feature.flag: on"),
					good("two properties", "shop.pool-size: 50\nshop.mode: SLOW"),
					new Release("document key application.yml", null, "application.yml", "shop:\n  pool-size: 8", null,
							List.of()),
					new Release("profile layer", "canary", null, "shop.timeout: 2s", null, List.of()));
	}

	private static Release bad(String name, String yaml, String property) {
		return new Release(name, null, null, yaml, property, List.of(STABLE, CANARY));
	}

	private static Release good(String name, String yaml) {
		return new Release(name, null, null, yaml, null, List.of());
	}

	private static ConfigurableApplicationContext shop(int port, String... properties) {
		return new SpringApplicationBuilder(ShopApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "etcd.endpoints=" + etcd.cluster().endpointsProperty(),
					"etcd.request-timeout=2s", "spring.application.name=shop", "etcd.discovery.host=127.0.0.1",
					"etcd.discovery.port=" + port, "etcd.discovery.config-status-interval=100ms")
			.properties(properties)
			.run();
	}

	// Undo a release, and wait until every instance has applied the layers again
	// cleanly.
	private static void restore(SortedMap<String, String> before) {
		SortedMap<String, String> now = keys.values("/config-apps/shop/");
		long revision = 0;
		for (String key : now.keySet()) {
			if (!before.containsKey(key)) {
				revision = Math.max(revision, keys.delete(key));
			}
		}
		for (Map.Entry<String, String> key : before.entrySet()) {
			if (!key.getValue().equals(now.get(key.getKey()))) {
				revision = Math.max(revision, keys.put(key.getKey(), key.getValue()));
			}
		}
		long restored = revision;
		await().atMost(ROLLOUT).until(() -> releases.awaitRevision("shop", restored, Duration.ZERO).complete());
	}

	/**
	 * A release of the corpus.
	 *
	 * @param name what it tries
	 * @param profile the profile layer it goes to, or {@code null} for the application's
	 * @param document the document key that holds it, or {@code null} for a key per
	 * property
	 * @param yaml the file
	 * @param property the property the instances must name when they reject it, or
	 * {@code null} for a good release
	 * @param rejectedBy the instances that must reject it
	 */
	record Release(String name, String profile, String document, String yaml, String property,
			List<String> rejectedBy) {

		String[] push(Path dir, String... options) {
			try {
				Path file = Files.createTempFile(dir, "release", ".yml");
				Files.writeString(file, this.yaml + "\n");
				List<String> args = new ArrayList<>(List.of("push", file.toString(), "--app", "shop"));
				if (this.profile != null) {
					args.addAll(List.of("--profile", this.profile));
				}
				if (this.document != null) {
					args.addAll(List.of("--document", this.document));
				}
				args.addAll(List.of(options));
				return args.toArray(String[]::new);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		EtcdReleasePlan plan() {
			return releases.planPush(releases.layer("shop", this.profile),
					List.of(new EtcdConfigFile("release.yml", (this.yaml + "\n").getBytes(StandardCharsets.UTF_8))),
					new EtcdPushOptions(false, this.document));
		}

		String quotedProperty() {
			return Pattern.quote(this.property);
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

}
