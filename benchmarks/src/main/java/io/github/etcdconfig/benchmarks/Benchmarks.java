package io.github.etcdconfig.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.benchmarks.Apps.Mode;
import io.github.etcdconfig.benchmarks.ProbeApplication.ProbeProperties;
import io.github.etcdconfig.benchmarks.PropagationBenchmark.Poller;
import io.github.etcdconfig.benchmarks.PropagationBenchmark.Probe;
import io.github.etcdconfig.test.EtcdCluster;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs every benchmark in one JVM against one etcd it starts itself, then writes
 * docs/benchmarks.md and the propagation chart. See the report for the method of each
 * measure.
 */
public final class Benchmarks {

	static final int[] LOAD_COUNTS = { 100, 1_000, 10_000, 100_000 };

	/** The report's order. */
	static final int[] PROPAGATION_COUNTS = { 100, 1_000, 10_000, 100_000 };

	// 100 keys last: the JIT keeps improving after the warm-up, and measuring the
	// smallest application first would
	// flatter "p50 at 100,000 keys against 100".
	private static final int[] PROPAGATION_ORDER = { 1_000, 10_000, 100_000, 100 };

	// A full refresh at 100,000 keys takes seconds: its samples would take most of the
	// run.
	private static final int FULL_REFRESH_MAX_KEYS = 10_000;

	static final int MEMORY_KEYS = 100_000;

	/**
	 * The whole application's retained heap is measured at these key counts, against
	 * none.
	 */
	static final int[] APPLICATION_MEMORY_COUNTS = { 10_000, 100_000 };

	/** The start in a fresh JVM is measured at this key count, against none. */
	static final int COLD_START_KEYS = 100_000;

	static final int BURST_APP_KEYS = 1_000;

	/**
	 * The stream part's key count; back-to-back changes are also measured at 10,000 keys,
	 * against the full refresh.
	 */
	static final int STREAM_KEYS = 1_000;

	static final int STREAM_LARGE_KEYS = 10_000;

	// The probes that follow one key each; the new-name probe puts a new key each time.
	private static final List<Probe> FIXED_KEY_PROBES = List.of(Probe.BARE_WATCH, Probe.REFRESH_SCOPE,
			Probe.CONFIGURATION_PROPERTIES, Probe.VALUE);

	private static final Map<String, Long> PART_NANOS = new LinkedHashMap<>();

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		Set<String> parts = Set.of(System.getProperty("bench.only", "all").split(","));
		double scale = Double.parseDouble(System.getProperty("bench.scale", "1"));
		Set<Integer> counts = counts(System.getProperty("bench.counts", "all"));
		Path docs = Path.of(System.getProperty("bench.docs", "docs"));
		Report.Samples samples = new Report.Samples(scaled(1_000, scale), scaled(300, scale), scaled(150, scale),
				scaled(75, scale), scaled(2_000, scale), 5, 5, 11, 5);
		StreamReport.Settings streamSettings = new StreamReport.Settings(scaled(1_000, scale), scaled(150, scale),
				scaled(75, scale), Math.max(1, 5 * scale), scaled(500, scale),
				RecoveryBenchmark.ints(System.getProperty("bench.outages", "5,30,120")),
				RecoveryBenchmark.ints(System.getProperty("bench.outage.trials", "5,3,2")));
		ZonedDateTime started = ZonedDateTime.now();
		String loadBefore = Machine.loadAverage();
		System.out.println("Benchmarks: load average " + loadBefore + ", parts " + parts + ", scale " + scale);
		StartupBenchmark startup;
		MemoryBenchmark.Result memory = null;
		List<MemoryBenchmark.Application> application = List.of();
		PropagationBenchmark propagation;
		BurstBenchmark bursts;
		StreamBenchmark stream;
		AnatomyBenchmark anatomy;
		RecoveryBenchmark recovery = new RecoveryBenchmark(streamSettings.outageSeconds(), streamSettings.trials());
		Map<String, String> machine;
		int warmUpPuts = -1;
		try (EtcdCluster etcd = EtcdCluster.builder().build().start(); Client writer = etcd.newClient()) {
			String endpoints = etcd.endpointsProperty();
			machine = Machine.describe(etcd.clientEndpoints().get(0));
			Keys keys = new Keys(writer);
			for (Probe probe : FIXED_KEY_PROBES) {
				keys.put(probe.key, "initial");
			}
			startup = new StartupBenchmark(endpoints);
			propagation = new PropagationBenchmark(writer.getKVClient());
			bursts = new BurstBenchmark(writer.getKVClient(), endpoints);
			stream = new StreamBenchmark(writer.getKVClient(), endpoints);
			anatomy = new AnatomyBenchmark(writer.getKVClient(), endpoints, etcd.member(0).pid());
			if (runs(parts, "startup")) {
				System.out.println("Start-up");
				for (int count : LOAD_COUNTS) {
					keys.ensure(count);
					// The first application starts and loads pay for class loading and
					// the JIT: more warm-up.
					int warmUps = (count == LOAD_COUNTS[0]) ? 5 : 2;
					timed("startup", () -> {
						startup.measureLoad(count, warmUps, samples.loadRuns());
						startup.measureStart(count, warmUps, samples.startRuns());
					});
				}
			}
			if (runs(parts, "startup") || parts.contains("fresh-start")) {
				keys.ensure(COLD_START_KEYS);
				startup.measureColdStart(COLD_START_KEYS, 1, samples.freshStartRuns(), false);
				// What Spring Cloud's scan of every property for {cipher} values costs an
				// application that adds
				// spring-security-crypto to decrypt them.
				startup.measureColdStart(COLD_START_KEYS, 1, samples.freshStartRuns(), true);
			}
			if (runs(parts, "memory")) {
				System.out.println("Memory");
				keys.ensure(MEMORY_KEYS);
				long start = System.nanoTime();
				memory = MemoryBenchmark.measure(startup, MEMORY_KEYS);
				application = MemoryBenchmark.measureApplication(keys, endpoints, APPLICATION_MEMORY_COUNTS);
				PART_NANOS.merge("memory", System.nanoTime() - start, Long::sum);
			}
			boolean streams = runs(parts, "stream");
			if (runs(parts, "propagation") || runs(parts, "bursts") || streams || runs(parts, "anatomy")) {
				System.out.println("Propagation, streams and bursts");
				for (int count : PROPAGATION_ORDER) {
					boolean streamed = streams && (count == STREAM_KEYS || count == STREAM_LARGE_KEYS);
					if (!counts.isEmpty() && !counts.contains(count)
							|| !runs(parts, "propagation") && count != BURST_APP_KEYS && !streamed) {
						continue;
					}
					keys.ensure(count);
					try (ConfigurableApplicationContext app = Apps.start(Mode.ETCD_CONFIG, endpoints);
							FloorWatch floor = new FloorWatch(endpoints)) {
						if (warmUpPuts < 0) {
							List<Probe> probes = FIXED_KEY_PROBES;
							warmUpPuts = propagation.warmUpUntilCompiled(
									probes.stream().map((probe) -> read(app, floor, probe)).toList(),
									probes.stream().map((probe) -> probe.key).toList(), samples.globalWarmUp() / 4,
									2_000, 45_000);
							System.out.println("  warm-up: " + warmUpPuts + " puts");
						}
						for (Probe probe : FIXED_KEY_PROBES) {
							propagation.warmUp(read(app, floor, probe), probe.key, 100);
						}
						if (runs(parts, "propagation")) {
							timed("propagation", () -> {
								for (Probe probe : List.of(Probe.REFRESH_SCOPE, Probe.CONFIGURATION_PROPERTIES,
										Probe.VALUE)) {
									propagation.measure(count, Mode.ETCD_CONFIG, probe, read(app, floor, probe),
											floor::value, samples.propagation(), samples.propagationWithReader());
								}
								propagation.addBareWatch(count);
								ProbeProperties properties = app.getBean(ProbeProperties.class);
								propagation.warmUpNewNames(properties, 200);
								propagation.measureNewNames(count, properties, samples.propagation());
							});
						}
						// Before the streams, which leave etcd 40,000 revisions further:
						// as in the runs before them.
						if (runs(parts, "bursts") && count == BURST_APP_KEYS) {
							timed("bursts", () -> {
								bursts.measure(app, 2_000, 200, samples.burstRuns());
								bursts.measure(app, 20_000, 2_000, samples.burstRuns());
							});
						}
						if (streamed) {
							timed("stream", () -> {
								List<Probe> probes = (count == STREAM_KEYS)
										? List.of(Probe.REFRESH_SCOPE, Probe.CONFIGURATION_PROPERTIES, Probe.VALUE)
										: List.of(Probe.REFRESH_SCOPE);
								for (Probe probe : probes) {
									stream.backToBack(count, Mode.ETCD_CONFIG, probe, app, floor::value, Poller.SPIN,
											streamSettings.backToBack());
								}
								if (count == STREAM_KEYS) {
									stream.backToBack(count, Mode.ETCD_CONFIG, Probe.REFRESH_SCOPE, app, floor::value,
											Poller.PARK, streamSettings.backToBack());
									for (int rate : StreamBenchmark.RATES) {
										stream.rate(app, rate, streamSettings.rateSeconds());
									}
								}
								stream.addBareWatch(count);
							});
						}
						if (runs(parts, "anatomy") && count == STREAM_KEYS) {
							timed("anatomy", () -> {
								for (Poller poller : Poller.values()) {
									anatomy.measurePoller(app, floor::value, poller, streamSettings.anatomy());
								}
								for (Poller poller : Poller.values()) {
									anatomy.measureStages(app, poller, streamSettings.anatomy());
								}
								anatomy.measureCreation(app, streamSettings.anatomy());
							});
						}
					}
					if (runs(parts, "propagation") && count <= FULL_REFRESH_MAX_KEYS || streamed) {
						try (ConfigurableApplicationContext app = Apps.start(Mode.FULL_REFRESH, endpoints)) {
							for (Probe probe : List.of(Probe.REFRESH_SCOPE, Probe.CONFIGURATION_PROPERTIES)) {
								propagation.warmUp(PropagationBenchmark.reader(app, probe), probe.key, 30);
								if (runs(parts, "propagation")) {
									timed("propagation",
											() -> propagation.measure(count, Mode.FULL_REFRESH, probe,
													PropagationBenchmark.reader(app, probe), null,
													samples.fullRefresh(), samples.fullRefreshWithReader()));
								}
							}
							if (streamed) {
								timed("stream",
										() -> stream.backToBack(count, Mode.FULL_REFRESH, Probe.REFRESH_SCOPE, app,
												null, Poller.SPIN, (count == STREAM_KEYS) ? streamSettings.fullRefresh()
														: streamSettings.fullRefreshLarge()));
							}
						}
					}
				}
			}
		}
		finally {
			StockEtcdEnvironmentPostProcessor.closeClients();
		}
		if (runs(parts, "recovery")) {
			System.out.println("Recovery");
			timed("recovery", recovery::measure);
		}
		Files.createDirectories(docs);
		Report.Run run = new Report.Run(started, Duration.between(started, ZonedDateTime.now()), loadBefore,
				Machine.loadAverage(), machine, samples, Math.max(0, warmUpPuts), startup.loads(), startup.starts(),
				startup.colds(), memory, application, propagation.cells(), bursts.results(),
				new StreamReport.Results(streamSettings, stream.backToBack(), stream.rates(), anatomy.pollers(),
						anatomy.stages(), anatomy.creation(), recovery.cells()));
		Report.write(run, docs.resolve("benchmarks.md"));
		if (!propagation.cells().isEmpty()) {
			Chart.write(propagation.cells(), docs.resolve("benchmarks-propagation.png"));
		}
		if (!stream.backToBack().isEmpty() || !recovery.cells().isEmpty()) {
			StreamChart.write(run, docs.resolve(StreamChart.FILE));
		}
		System.out.println("Wrote " + docs.resolve("benchmarks.md") + " in " + run.took().toSeconds() + " s; measuring "
				+ "took, by part (application starts and warm-ups apart): "
				+ PART_NANOS.entrySet()
					.stream()
					.map((part) -> part.getKey() + " " + TimeUnit.NANOSECONDS.toSeconds(part.getValue()) + " s")
					.collect(Collectors.joining(", ")));
		// jetcd leaves non-daemon threads behind its closed clients.
		System.exit(0);
	}

	private static Supplier<String> read(ConfigurableApplicationContext app, FloorWatch floor, Probe probe) {
		return (probe == Probe.BARE_WATCH) ? floor::value : PropagationBenchmark.reader(app, probe);
	}

	// "all", or the propagation key counts to measure, comma-separated.
	private static Set<Integer> counts(String counts) {
		if (counts.equals("all")) {
			return Set.of();
		}
		return Arrays.stream(counts.split(",")).map(String::trim).map(Integer::valueOf).collect(Collectors.toSet());
	}

	private static void timed(String part, Runnable measure) {
		long start = System.nanoTime();
		measure.run();
		PART_NANOS.merge(part, System.nanoTime() - start, Long::sum);
	}

	private static boolean runs(Set<String> parts, String part) {
		return parts.contains("all") || parts.contains(part);
	}

	private static int scaled(int count, double scale) {
		return Math.max(10, (int) Math.round(count * scale));
	}

}
