package io.github.etcdconfig.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.github.etcdconfig.config.EtcdRolloutSelector;
import io.github.etcdconfig.discovery.EtcdRegistration;
import io.github.etcdconfig.discovery.EtcdServiceRegistry;
import io.github.etcdconfig.refresh.EtcdConfigChangedEvent;
import io.github.etcdconfig.release.EtcdConfigFile;
import io.github.etcdconfig.release.EtcdLayer;
import io.github.etcdconfig.release.EtcdPushOptions;
import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleaseSettings;
import io.github.etcdconfig.release.EtcdReleases;
import io.github.etcdconfig.release.EtcdRolloutOptions;
import io.github.etcdconfig.release.EtcdRolloutResult;
import io.github.etcdconfig.release.EtcdRolloutState;
import io.github.etcdconfig.test.EtcdCluster;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Progressive rollout (issue 23): how long a rollback takes, from the failure of an
 * instance of the subset appearing in the registry to every instance of the subset having
 * its previous values again, over many rollbacks of two causes (a rejection by an
 * instance that cannot bind the values; an instance whose registration turns out of
 * service during the bake); and what matching a rollout's selector adds to the
 * propagation of an ordinary change. N instances of the probe application, each
 * registered, in one JVM; one etcd member on loopback. Writes its section into
 * {@code docs/benchmarks.md}, in the part the main run keeps.
 *
 * <p>
 * {@code ./mvnw -q -B -Pbenchmarks,rollout -pl benchmarks -am verify};
 * {@code -Dbench.rollout.instances=6 -Dbench.rollout.samples=100
 * -Dbench.rollout.changes=300}.
 */
public final class RolloutBenchmark {

	private static final String BEGIN = "<!-- rollout-benchmark -->";

	private static final String END = "<!-- /rollout-benchmark -->";

	private static final String VALUE = "bench.rollout.value";

	private static final String TICK = "bench.rollout.tick";

	private static final Duration DEADLINE = Duration.ofSeconds(30);

	private RolloutBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int instances = Integer.getInteger("bench.rollout.instances", 6);
		int samples = Integer.getInteger("bench.rollout.samples", 100);
		int changes = Integer.getInteger("bench.rollout.changes", 300);
		Path docs = Path.of(System.getProperty("bench.docs", "docs"));
		ZonedDateTime started = ZonedDateTime.now();
		String loadBefore = Machine.loadAverage();
		List<Instance> fleet = new ArrayList<>();
		Figures figures;
		try (EtcdCluster etcd = EtcdCluster.builder().build().start(); Client client = etcd.newClient()) {
			try {
				figures = measure(etcd.endpointsProperty(), client, instances, samples, changes, fleet);
			}
			finally {
				// Before etcd stops, so that each instance deregisters.
				fleet.forEach((instance) -> instance.context.close());
			}
		}
		String section = section(started, loadBefore, instances, samples, changes, figures);
		System.out.println(section);
		Sections.write(docs.resolve("benchmarks.md"), BEGIN, END, section);
		// jetcd leaves non-daemon threads behind its closed clients.
		System.exit(0);
	}

	private static Figures measure(String endpoints, Client client, int size, int samples, int changes,
			List<Instance> fleet) throws Exception {
		EtcdReleases releases = new EtcdReleases(client, EtcdReleaseSettings.defaults());
		EtcdLayer layer = releases.layer("bench", null);
		put(client, layer.prefix() + "bench/rollout/value", "v0");
		put(client, layer.prefix() + "bench/rollout/tick", "0");
		for (int i = 1; i <= size; i++) {
			fleet.add(new Instance("b" + i,
					Apps.start(Apps.Mode.ETCD_CONFIG, endpoints, List.of(Strict.class), "etcd.discovery.enabled=true",
							"spring.application.name=bench", "etcd.discovery.host=127.0.0.1",
							"etcd.discovery.port=9950", "etcd.discovery.instance-id=b" + i,
							"etcd.discovery.config-status-interval=100ms", "bench.rollout.strict=" + (i == 2),
							// The strict instance's rejections are expected: not one log
							// line each.
							"logging.level.io.github.etcdconfig.refresh=off")));
		}
		await(() -> releases.instances("bench").stream().filter((i) -> i.revision() != null).count() == size,
				"every instance registered");
		System.out.println("Rollout: " + size + " instances, " + samples + " rollbacks of each cause, " + changes
				+ " changes with and without a selector");
		// A warm-up of each, unrecorded.
		int warmUps = Math.max(3, samples / 10);
		long[] rejection = new long[samples];
		long[] outOfService = new long[samples];
		int release = 0;
		for (int i = -warmUps; i < samples; i++) {
			long rejected = rejection(client, releases, layer, fleet, "r" + (++release));
			long turned = outOfService(client, releases, layer, fleet, "s" + (++release));
			if (i >= 0) {
				rejection[i] = rejected;
				outOfService[i] = turned;
			}
		}
		long[] without = new long[changes];
		long[] with = new long[changes];
		propagation(client, layer, fleet, changes, without, with);
		return new Figures(Stats.Latency.of(rejection, samples), Stats.Latency.of(outOfService, samples),
				Stats.Latency.of(without, changes), Stats.Latency.of(with, changes));
	}

	// Subset b1, b2, b3; b2 cannot bind the release's limit and rejects it. From the
	// rejection in the registry until b1 and b3 have v0 again.
	private static long rejection(Client client, EtcdReleases releases, EtcdLayer layer, List<Instance> fleet,
			String value) throws Exception {
		List<Instance> subset = List.of(fleet.get(0), fleet.get(1), fleet.get(2));
		try (Registry registry = new Registry(client, "/services/bench/")) {
			subset.forEach(Instance::clear);
			releases.startRollout(plan(releases, layer, value, "many"),
					EtcdRolloutOptions.of("b1,b2,b3", null, Duration.ofHours(1)), "bench", null);
			EtcdRolloutResult result = releases.rolloutDriver("bench").run((status) -> {
			});
			if (result.state().status() != EtcdRolloutState.Status.ROLLED_BACK) {
				throw new IllegalStateException("Not rolled back: " + result.state());
			}
			long failed = registry.await("b2", (json) -> json.contains("\"rejected\""));
			return restored(subset, failed);
		}
	}

	// Subset b4, b5; once both have applied the release and the bake runs, b5's
	// registration turns OUT_OF_SERVICE. From that in the registry until both have v0
	// again.
	private static long outOfService(Client client, EtcdReleases releases, EtcdLayer layer, List<Instance> fleet,
			String value) throws Exception {
		List<Instance> subset = List.of(fleet.get(3), fleet.get(4));
		try (Registry registry = new Registry(client, "/services/bench/")) {
			subset.forEach(Instance::clear);
			releases.startRollout(plan(releases, layer, value, null),
					EtcdRolloutOptions.of("b4,b5", null, Duration.ofHours(1)), "bench", null);
			CompletableFuture<EtcdRolloutResult> driving = CompletableFuture
				.supplyAsync(() -> releases.rolloutDriver("bench").run((status) -> {
				}));
			await(() -> releases.rollout("bench").filter((state) -> state.bakeStartedAt() != null).isPresent(),
					"the bake");
			Instance failing = fleet.get(4);
			failing.setStatus("OUT_OF_SERVICE");
			EtcdRolloutResult result = driving.join();
			if (result.state().status() != EtcdRolloutState.Status.ROLLED_BACK) {
				throw new IllegalStateException("Not rolled back: " + result.state());
			}
			long failed = registry.await("b5", (json) -> json.contains("OUT_OF_SERVICE"));
			long took = restored(subset, failed);
			failing.setStatus("healthy");
			await(() -> releases.instances("bench")
				.stream()
				.filter((instance) -> instance.instance().equals("b5"))
				.anyMatch((instance) -> "healthy".equals(instance.status())), "b5 healthy again");
			return took;
		}
	}

	// Ordinary changes of one property, each timed from the put until every instance has
	// it: in blocks of 10, alternately with no rollout and with a rollout of another
	// property whose selector matches half the instances.
	private static void propagation(Client client, EtcdLayer layer, List<Instance> fleet, int changes, long[] without,
			long[] with) throws Exception {
		String selector = new EtcdRolloutSelector("bench-selector", "bench-seed",
				List.of(new EtcdRolloutSelector.Share(0.5)))
			.toJson();
		int tick = 0;
		int withCount = 0;
		int withoutCount = 0;
		int warmUps = 20;
		for (int block = 0; withCount < changes || withoutCount < changes; block++) {
			boolean selecting = block % 2 == 1;
			if (selecting) {
				put(client, layer.prefix() + EtcdRolloutSelector.VALUES_FOLDER + "bench/rollout/other", "x" + block);
				put(client, layer.prefix() + EtcdRolloutSelector.SELECTOR_KEY, selector);
			}
			else {
				client.getKVClient()
					.delete(bytes(layer.prefix() + EtcdRolloutSelector.FOLDER),
							DeleteOption.builder().isPrefix(true).build())
					.get();
			}
			for (int i = 0; i < 10; i++) {
				String value = Integer.toString(++tick);
				long start = System.nanoTime();
				put(client, layer.prefix() + "bench/rollout/tick", value);
				await(() -> fleet.stream().allMatch((instance) -> instance.ticks.containsKey(value)), "tick " + value);
				long took = fleet.stream().mapToLong((instance) -> instance.ticks.get(value)).max().orElseThrow()
						- start;
				if (tick <= warmUps) {
					continue;
				}
				if (selecting && withCount < changes) {
					with[withCount++] = took;
				}
				else if (!selecting && withoutCount < changes) {
					without[withoutCount++] = took;
				}
			}
		}
	}

	// The latest time an instance of the subset took v0 again; the failure time for
	// one that never left it.
	private static long restored(List<Instance> subset, long failed) throws Exception {
		await(() -> subset.stream().allMatch((instance) -> "v0".equals(instance.value())), "the subset restored");
		long last = failed;
		for (Instance instance : subset) {
			last = Math.max(last, instance.restoredAt(failed));
		}
		return last - failed;
	}

	private static EtcdReleasePlan plan(EtcdReleases releases, EtcdLayer layer, String value, String limit) {
		String yaml = VALUE + ": " + value + "\n" + ((limit != null) ? "bench.rollout.limit: " + limit + "\n" : "");
		return releases.planPush(layer, List.of(new EtcdConfigFile("bench.yml", yaml.getBytes(StandardCharsets.UTF_8))),
				EtcdPushOptions.DEFAULT);
	}

	private static void put(Client client, String key, String value) throws Exception {
		client.getKVClient().put(bytes(key), bytes(value)).get();
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	private static void await(BooleanSupplier condition, String what) throws InterruptedException {
		long deadline = System.nanoTime() + DEADLINE.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Waited in vain for " + what);
			}
			Thread.sleep(1);
		}
	}

	private static String section(ZonedDateTime started, String loadBefore, int instances, int samples, int changes,
			Figures figures) {
		StringBuilder out = Sections.start(BEGIN, "Progressive rollout: rollback time and the selector's cost",
				"RolloutBenchmark", started, loadBefore);
		out.append(instances)
			.append(" running instances of the probe application, each registered with etcd-discovery (one JVM, each "
					+ "with its own jetcd client), one etcd member on loopback; rollouts through the release API "
					+ "(`startRollout` and its driver, as `push --canary` runs them). A rollback is timed from the "
					+ "failure appearing in the registry (as a watch of `/services/bench/` in the benchmark's JVM "
					+ "hears it) until every instance of the subset has its previous value again (each instance's "
					+ "`EtcdConfigChangedEvent`); ")
			.append(samples)
			.append(" rollbacks of each cause after unrecorded warm-ups. Reproduce: `./mvnw -q -B -Pbenchmarks,rollout "
					+ "-pl benchmarks -am verify` (`-Dbench.rollout.instances`, `-Dbench.rollout.samples`, "
					+ "`-Dbench.rollout.changes`).\n\n");
		out.append("| From the failure to the subset restored | p50 | p99 | max |\n|---|---|---|---|\n");
		Sections.row(out, "an instance of 3 rejects the release (it cannot bind a value)", figures.rejection());
		Sections.row(out, "an instance of 2 turns `OUT_OF_SERVICE` during the bake", figures.outOfService());
		out.append("\nThe propagation of an ordinary change of another property, from the put until all ")
			.append(instances)
			.append(" instances have it, with no rollout and with a rollout whose selector (`below 0.5`) matches "
					+ "half of them, so that every instance matches the selector on every change; ")
			.append(changes)
			.append(" changes of each, in alternating blocks of 10:\n\n");
		out.append("| Propagation | p50 | p99 | max |\n|---|---|---|---|\n");
		Sections.row(out, "no rollout", figures.without());
		Sections.row(out, "a rollout's selector matched on each change", figures.with());
		out.append(String.format(Locale.ROOT,
				"%nMatching the selector moves the propagation by %+.1f ms at p50 and %+.1f ms at p99.%n%n",
				figures.with().p50() - figures.without().p50(), figures.with().p99() - figures.without().p99()));
		out.append(END);
		return out.toString();
	}

	/**
	 * The figures.
	 *
	 * @param rejection rollbacks after a rejection
	 * @param outOfService rollbacks after a registration turned out of service
	 * @param without propagation with no rollout
	 * @param with propagation with a rollout's selector matched
	 */
	record Figures(Stats.Latency rejection, Stats.Latency outOfService, Stats.Latency without, Stats.Latency with) {

	}

	/**
	 * One running instance, and when each value reached it.
	 */
	private static final class Instance {

		private final String id;

		private final ConfigurableApplicationContext context;

		// Each value of bench.rollout.value it took, in order, with when.
		private final List<long[]> restoredTimes = new ArrayList<>();

		private final Map<String, Long> ticks = new ConcurrentHashMap<>();

		private volatile String value;

		Instance(String id, ConfigurableApplicationContext context) {
			this.id = id;
			this.context = context;
			this.value = context.getEnvironment().getProperty(VALUE);
			context.addApplicationListener((ApplicationListener<EtcdConfigChangedEvent>) (event) -> {
				long now = System.nanoTime();
				String tick = context.getEnvironment().getProperty(TICK);
				if (tick != null) {
					this.ticks.putIfAbsent(tick, now);
				}
				String current = context.getEnvironment().getProperty(VALUE);
				if (!Objects.equals(current, this.value)) {
					this.value = current;
					if ("v0".equals(current)) {
						synchronized (this.restoredTimes) {
							this.restoredTimes.add(new long[] { now });
						}
					}
				}
			});
		}

		String value() {
			return this.value;
		}

		void clear() {
			synchronized (this.restoredTimes) {
				this.restoredTimes.clear();
			}
		}

		// When it took v0 again after a time; that time itself when it never left v0.
		long restoredAt(long since) {
			synchronized (this.restoredTimes) {
				return this.restoredTimes.stream().mapToLong((t) -> t[0]).filter((t) -> t >= since).max().orElse(since);
			}
		}

		void setStatus(String status) {
			this.context.getBean(EtcdServiceRegistry.class)
				.setStatus(this.context.getBean(EtcdRegistration.class), status);
		}

		@Override
		public String toString() {
			return this.id;
		}

	}

	/**
	 * When registrations changed, from now on, as this JVM heard it.
	 */
	private static final class Registry implements AutoCloseable {

		private final Map<String, List<Object[]>> events = new ConcurrentHashMap<>();

		private final Watch.Watcher watcher;

		Registry(Client client, String folder) throws Exception {
			long revision = client.getKVClient().get(bytes(folder)).get().getHeader().getRevision();
			this.watcher = client.getWatchClient()
				.watch(bytes(folder), WatchOption.builder().isPrefix(true).withRevision(revision + 1).build(),
						Watch.listener((response) -> {
							long now = System.nanoTime();
							for (WatchEvent event : response.getEvents()) {
								String key = event.getKeyValue().getKey().toString(StandardCharsets.UTF_8);
								String id = key.substring(key.lastIndexOf('/') + 1);
								this.events.computeIfAbsent(id, (k) -> new CopyOnWriteArrayList<>())
									.add(new Object[] { now,
											event.getKeyValue().getValue().toString(StandardCharsets.UTF_8) });
							}
						}));
		}

		// When the registration of an instance first matched.
		long await(String id, Predicate<String> json) throws InterruptedException {
			long[] at = new long[1];
			RolloutBenchmark.await(() -> this.events.getOrDefault(id, List.of())
				.stream()
				.filter((event) -> json.test((String) event[1]))
				.findFirst()
				.map((event) -> at[0] = (long) event[0])
				.isPresent(), "the failure of " + id + " in the registry");
			return at[0];
		}

		@Override
		public void close() {
			this.watcher.close();
		}

	}

	/**
	 * What the strict instance binds: an int, which a word cannot be.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("bench.rollout.strict")
	@EnableConfigurationProperties(Limits.class)
	static class Strict {

	}

	/**
	 * The strict instance's limit.
	 */
	@ConfigurationProperties("bench.rollout")
	public static class Limits {

		private int limit = 10;

		public int getLimit() {
			return this.limit;
		}

		public void setLimit(int limit) {
			this.limit = limit;
		}

	}

}
