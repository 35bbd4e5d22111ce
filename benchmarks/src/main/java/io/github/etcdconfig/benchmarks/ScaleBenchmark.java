package io.github.etcdconfig.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.github.etcdconfig.benchmarks.ScaleCell.Mode;
import io.github.etcdconfig.benchmarks.ScaleCell.Result;
import io.github.etcdconfig.test.EtcdCluster;
import org.jspecify.annotations.Nullable;

/**
 * What many instances of the starter cost one etcd cluster: for each number of instances,
 * the bare jetcd watch (the floor), jetcd watches of the starter's key ranges, and then
 * the starter, each against a fresh 3-member cluster on loopback, then writes
 * docs/scale.md. Run on demand, never in CI:
 * {@code ./mvnw -q -B -Pbenchmarks,scale -pl benchmarks -am verify}.
 *
 * <p>
 * Settings (system properties, passed through Maven with the same names):
 * {@code bench.scale.instances} (sizes, comma-separated, 100,300,1000),
 * {@code bench.scale.jvms} (node JVMs, 4), {@code bench.scale.parts}
 * (check,start-cost,latency,storm,restart,outage,proxy), {@code bench.scale.puts} (200),
 * and the others in {@link Settings}, also as
 * {@code bench.scale.options=idle=5,warm-up=10}.
 */
public final class ScaleBenchmark {

	private ScaleBenchmark() {
	}

	/**
	 * The run's settings.
	 *
	 * @param sizes numbers of instances, in the order run
	 * @param jvms node JVMs that share the instances
	 * @param nodeHeap each node JVM's heap; 2 GB, since with 512 MB (until 6 December
	 * 2026) the start-up storms of 75 instances per node spent a third of their time in
	 * G1's pauses, which each instance's own heap would not
	 * @param nodeNice the niceness the node JVMs run at ({@code node-nice}, 0): with 19,
	 * etcd, its proxies and the writer take the cores before the simulated instances do,
	 * as they would on cores of their own; a run with it is published beside the one
	 * without, never instead of it
	 * @param sharedKeys keys under {@code /config/}, which every instance loads and
	 * watches
	 * @param applications applications the instances are spread over, each with a folder
	 * under {@code /config-apps/}
	 * @param applicationKeys keys in each application's folder
	 * @param stormKeys keys each instance reads in the start-up storm
	 * @param stormWave the most instances in their start-up at once in a storm
	 * ({@code storm-wave}, 0: every instance at once), as a deployment that starts a
	 * fleet in waves (Kubernetes' {@code maxSurge}) does; a run with a wave is published
	 * beside the one without, never instead of it
	 * @param puts recorded puts per cell
	 * @param warmUpPuts unrecorded puts before them
	 * @param idle the window in which nothing is written; the starter's liveness check
	 * runs once in 30 s
	 * @param idleWarmUp an unmeasured wait before the idle window ({@code idle-warm-up},
	 * seconds, 0): with 45 s every starter instance has run its first liveness check, and
	 * the JIT compiled its code, before the window
	 * @param outage how long the whole cluster is down
	 * @param proxies gRPC proxies for the cells through etcd's gRPC proxy
	 * @param parts the parts to run
	 * @param modes the kinds of instance to run, by {@link Mode} name; in
	 * {@code bench.scale.options} joined by {@code +} ({@code modes=bare+starter})
	 * @param docs where scale.md goes
	 * @param pprof where each member's heap, goroutine and CPU profiles go
	 * ({@code pprof=DIR}, see {@link ScaleProfiles}), or {@code null} to run the members
	 * without {@code --enable-pprof}
	 * @param pprofGc with {@code pprof}, whether to also save heap profiles taken after a
	 * forced GC ({@code pprof-gc=true}), see {@link ScaleProfiles}
	 * @param settle with {@code pprof}, how long to sample the members' memory every 10 s
	 * after the watching sample ({@code settle}, seconds, 0)
	 * @param instanceSettings the starter's settings of every instance beyond the
	 * defaults ({@code instance}, {@code name:value} joined by {@code +}, such as
	 * {@code instance=etcd.config.page-size:2000+etcd.config.watch.check-interval:60s};
	 * empty: the defaults)
	 */
	record Settings(List<Integer> sizes, int jvms, String nodeHeap, int nodeNice, int sharedKeys, int applications,
			int applicationKeys, int stormKeys, int stormWave, int puts, int warmUpPuts, Duration idle,
			Duration idleWarmUp, Duration outage, int proxies, Set<String> parts, Set<String> modes, Path docs,
			@Nullable Path pprof, boolean pprofGc, Duration settle, String instanceSettings) {

		boolean runs(String part) {
			return this.parts.contains(part);
		}

		static Settings fromSystemProperties() {
			return new Settings(
					Arrays.stream(property("instances", "100,300,1000").split(","))
						.map(String::trim)
						.map(Integer::valueOf)
						.toList(),
					Integer.parseInt(property("jvms", "4")), property("node-heap", "2g"),
					Integer.parseInt(property("node-nice", "0")), Integer.parseInt(property("keys", "1000")),
					Integer.parseInt(property("apps", "20")), Integer.parseInt(property("app-keys", "10")),
					Integer.parseInt(property("storm-keys", "10000")), Integer.parseInt(property("storm-wave", "0")),
					Integer.parseInt(property("puts", "200")), Integer.parseInt(property("warm-up", "50")),
					Duration.ofSeconds(Long.parseLong(property("idle", "30"))),
					Duration.ofSeconds(Long.parseLong(property("idle-warm-up", "0"))),
					Duration.ofSeconds(Long.parseLong(property("outage", "10"))),
					Integer.parseInt(property("proxies", "3")),
					Set.of(property("parts", "check,start-cost,latency,storm,restart,outage,proxy").split(",")),
					Set.of(property("modes", "bare,watches,starter,proxied,bare_proxied").split("[,+]")),
					Path.of(property("docs", "docs")),
					property("pprof", "").isEmpty() ? null : Path.of(property("pprof", "")),
					Boolean.parseBoolean(property("pprof-gc", "false")),
					Duration.ofSeconds(Long.parseLong(property("settle", "0"))), property("instance", ""));
		}

		// bench.scale.NAME, or NAME=value in bench.scale.options (comma-separated), which
		// Maven passes in one piece.
		private static String property(String name, String defaultValue) {
			String value = System.getProperty("bench.scale." + name);
			for (String option : System.getProperty("bench.scale.options", "").split(",")) {
				if (option.startsWith(name + "=")) {
					value = option.substring(name.length() + 1);
				}
			}
			return (value == null || value.isBlank()) ? defaultValue : value;
		}

	}

	public static void main(String[] args) throws Exception {
		Settings settings = Settings.fromSystemProperties();
		ZonedDateTime started = ZonedDateTime.now();
		String loadBefore = Machine.loadAverage();
		System.out.println("Scale benchmark: load average " + loadBefore + ", " + settings);
		Path logs = Path.of("benchmarks", "target", "scale-logs");
		Files.createDirectories(logs);
		Map<String, String> machine;
		try (EtcdCluster probe = EtcdCluster.single().start()) {
			machine = Machine.describe(probe.clientEndpoints().get(0));
		}
		List<ScaleCheckCost.Cost> checks = settings.runs("check")
				? ScaleCheckCost.measure(new int[] { 100, 1_000, 10_000 }) : List.of();
		List<ScaleCheckCost.Cost> starts = settings.runs("start-cost") ? ScaleStartCost.measure(10_000, 200, 50)
				: List.of();
		List<Result> results = new ArrayList<>();
		List<String> incomplete = new ArrayList<>();
		for (int size : settings.sizes()) {
			for (Mode mode : Mode.values()) {
				if ((!mode.isProxied() || settings.runs("proxy"))
						&& settings.modes().contains(mode.name().toLowerCase(Locale.ROOT))) {
					try {
						results.add(new ScaleCell(settings, size, mode, logs).run());
					}
					catch (Exception ex) {
						// What saturates this machine is a result too: the cell is named
						// and the run goes on.
						Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
						String what = String.format("%,d %s (%s)", size, mode.name().toLowerCase(Locale.ROOT),
								cause.getMessage());
						System.out.println("    did not complete: " + what);
						incomplete.add(what);
					}
				}
			}
		}
		ScaleReport.Run run = new ScaleReport.Run(started, Duration.between(started, ZonedDateTime.now()), loadBefore,
				Machine.loadAverage(), machine, settings, checks, starts, results, incomplete);
		Files.createDirectories(settings.docs());
		Path file = settings.docs().resolve("scale.md");
		ScaleReport.write(run, file);
		System.out.println("Wrote " + file + " in " + run.took().toSeconds() + " s");
		// jetcd leaves non-daemon threads behind its closed clients.
		System.exit(0);
	}

}
