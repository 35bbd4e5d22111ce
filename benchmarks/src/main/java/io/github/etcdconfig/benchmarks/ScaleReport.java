package io.github.etcdconfig.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

import io.github.etcdconfig.benchmarks.ScaleBenchmark.Settings;
import io.github.etcdconfig.benchmarks.ScaleCell.Mode;
import io.github.etcdconfig.benchmarks.ScaleCell.Propagation;
import io.github.etcdconfig.benchmarks.ScaleCell.Recovery;
import io.github.etcdconfig.benchmarks.ScaleCell.Result;
import io.github.etcdconfig.benchmarks.ScaleCell.FileStorm;
import io.github.etcdconfig.benchmarks.ScaleCell.Storm;
import io.github.etcdconfig.benchmarks.ScaleUsage.Member;
import io.github.etcdconfig.benchmarks.Stats.Latency;

/**
 * Writes docs/scale.md from one run of {@link ScaleBenchmark}. Everything after
 * {@link Report#KEPT} is written by hand (what limits first, what to do at each size) and
 * is carried over when the benchmark runs again.
 */
final class ScaleReport {

	static final String COMMAND = "./mvnw -q -B -Pbenchmarks,scale -pl benchmarks -am verify";

	static final int TARGET_INSTANCES = 10_000;

	static final double TARGET_RATIO = 1.5;

	private static final double MB = 1024.0 * 1024.0;

	private final StringBuilder out = new StringBuilder();

	private final Run run;

	/**
	 * One run.
	 *
	 * @param started when it started
	 * @param took how long it took
	 * @param loadBefore the load average before
	 * @param loadAfter the load average after
	 * @param machine the machine and versions
	 * @param settings the settings
	 * @param checks what the liveness check costs etcd
	 * @param starts what one instance's start costs etcd
	 * @param results every cell, in the order run
	 */
	record Run(ZonedDateTime started, Duration took, String loadBefore, String loadAfter, Map<String, String> machine,
			Settings settings, List<ScaleCheckCost.Cost> checks, List<ScaleCheckCost.Cost> starts, List<Result> results,
			List<String> incomplete) {
	}

	private ScaleReport(Run run) {
		this.run = run;
	}

	static void write(Run run, Path file) throws IOException {
		ScaleReport report = new ScaleReport(run);
		report.all();
		Report.writeKeeping(file, report.out, "What limits first, and what to do");
	}

	private void all() {
		line("# Scale: one etcd cluster, many instances");
		line();
		line("Measured by `ScaleBenchmark` (benchmarks module) on "
				+ this.run.started().format(DateTimeFormatter.RFC_1123_DATE_TIME) + "; the run took "
				+ minutes(this.run.took()) + ". Load average (1 / 5 / 15 min) " + this.run.loadBefore()
				+ " before the run and " + this.run.loadAfter() + " after it. Every figure below comes from that one "
				+ "run; figures for " + String.format(Locale.ROOT, "%,d", TARGET_INSTANCES)
				+ " instances are extrapolated from it and marked so.");
		line();
		if (!this.run.incomplete().isEmpty()) {
			line("**Cells that did not complete,** and are missing from the tables below: "
					+ String.join("; ", this.run.incomplete()) + ".");
			line();
		}
		reproduce();
		setUp();
		propagation();
		etcdCost();
		simulationCost();
		storm();
		recovery();
		proxies();
		checkCost();
		startCost();
		extrapolation();
	}

	private void reproduce() {
		Settings settings = this.run.settings();
		line("## How to reproduce");
		line();
		line("```");
		line(COMMAND);
		line("```");
		line();
		line("The `scale` profile runs `io.github.etcdconfig.benchmarks.ScaleBenchmark` instead of the other "
				+ "benchmarks. Options (Maven properties of the same name): `-Dbench.scale.instances=100` runs one "
				+ "size only; `-Dbench.scale.parts=check,start-cost,latency,storm,restart,outage,proxy` some parts only; "
				+ "`-Dbench.scale.jvms=4` the number of node JVMs; `-Dbench.scale.puts=200` the recorded puts per "
				+ "cell; `-Dbench.scale.docs=benchmarks/target` writes this file elsewhere; "
				+ "`-Dbench.scale.options=idle=5,warm-up=10` sets the others (see `ScaleBenchmark.Settings`). Node "
				+ "JVM logs go to `benchmarks/target/scale-logs/`.");
		line();
		line("This run: sizes " + settings.sizes() + ", parts " + settings.parts() + ", " + settings.puts()
				+ " recorded puts per cell after " + settings.warmUpPuts() + " unrecorded ones, an idle window of "
				+ settings.idle().toSeconds() + " s"
				+ (settings.idleWarmUp().isZero() ? ""
						: " after " + settings.idleWarmUp().toSeconds() + " s unmeasured (`idle-warm-up`)")
				+ ", an outage of " + settings.outage().toSeconds() + " s"
				+ ((settings.stormWave() > 0)
						? ", storms in waves of at most " + settings.stormWave() + " instances at once (`storm-wave`)"
						: "")
				+ ".");
		line();
	}

	private void setUp() {
		Settings settings = this.run.settings();
		line("## Set-up");
		line();
		line("| | |");
		line("|---|---|");
		this.run.machine()
			.forEach((name, value) -> line("| " + name + " | "
					+ ("etcd".equals(name) ? value.replaceAll(", one member on loopback.*", "")
							+ ", three members on loopback, a fresh cluster for every cell, progress notifications at "
							+ "etcd's default (10 min)" : value)
					+ " |"));
		line();
		line("- **An instance** is what one JVM running the starter holds: a jetcd `Client` of its own, built by "
				+ "the starter's `EtcdClientFactory` with the default settings (so `round_robin` over the three "
				+ "endpoints: one connection to each member), an `EtcdConfigStore` loaded by `EtcdConfigStores.load` "
				+ "(the paged read with the start-up retries, the snapshot) and the starter's `EtcdConfigWatcher` over "
				+ "the default layout: one watch of `/config/` and one of `/config-apps/{application}/`, both on one "
				+ "gRPC watch stream (`etcd.config.watch.shared-stream`; jetcd alone opens one per `watch()`). "
				+ "The instances are spread over " + settings.applications()
				+ " applications. Only Spring is left out: an instance holds a value once "
				+ "the watcher has swapped in the snapshot that has it, which is when it calls its change listener.");
		line("- **The floor** is the same number of bare jetcd watches of `/config/`, one client each, built by the "
				+ "same factory, with the starter's watch options (from the revision read + 1, progress "
				+ "notifications, leader required, created notification); the listener notes the arrival on jetcd's "
				+ "own thread.");
		line("- **The starter's watches (jetcd)** are the issue's other kind of instance, \"jetcd with exactly the "
				+ "starter's watch options\": the floor's client and listener, watching the two key ranges the "
				+ "starter watches for its application (two streams, as above). They carry what etcd and the network "
				+ "carry for a starter instance, without the work each instance then does on its own CPU (the "
				+ "hand-off to the applier thread, the snapshot), which this simulation pays once per instance on "
				+ "the same two cores. The floor, these watches and the starter run one after the other, each "
				+ "against a fresh cluster.");
		line("- **The data**: " + String.format(Locale.ROOT, "%,d", settings.sharedKeys()) + " keys under `/config/`, "
				+ settings.applicationKeys() + " in each application's folder, and "
				+ String.format(Locale.ROOT, "%,d", settings.stormKeys()) + " keys under `" + ScaleCell.STORM_PREFIX
				+ "` for the start-up storm, outside every watched range. Each put of the probe key `"
				+ ScaleInstance.PROBE_KEY + "` reaches every instance.");
		line("- **Node JVMs**: the instances live in " + settings.jvms() + " JVMs (`-Xmx" + settings.nodeHeap()
				+ "`, G1" + ((settings.nodeNice() != 0) ? ", `nice -n " + settings.nodeNice() + "`" : "")
				+ "), which this JVM drives over their standard input. jetcd 0.8.7 clients that are not given a "
				+ "Vert.x instance use grpc-netty's shared event loop group and default executor, so the clients of "
				+ "one JVM share their event loops; the starter adds one applier thread per watcher.");
		line("- **Clocks**: times are `System.nanoTime()`, which on Linux is `CLOCK_MONOTONIC`, one clock for every "
				+ "process of the machine, so an arrival in a node JVM is compared with the put's acknowledgement in "
				+ "this JVM directly. Each cell checks it: a node's clock read between two readings of this JVM's "
				+ "always fell between them (the round trip bounds the error: "
				+ this.run.results().stream().mapToLong(Result::clockSkewMicros).max().orElse(0) + " µs at most).");
		line("- **Two cores for everything.** etcd's three members, the node JVMs and this JVM share the machine's "
				+ "two cores. etcd's own cost is read per member from `/proc` (CPU time, resident memory) and from its "
				+ "`/metrics` (watch streams, watchers, Go heap, bytes sent to clients); the simulation's cost (the "
				+ "node JVMs' CPU) is shown apart. The latencies include the competition for the cores: a real fleet "
				+ "has a CPU per instance, here a thousand instances wait for two.");
		line();
	}

	private void propagation() {
		line("## From a put to the last instance");
		line();
		line("Each recorded put changes the probe key once; the next starts 20–40 ms after every instance held the "
				+ "value. Times run from etcd's acknowledgement of the put to the moment the **last** instance held "
				+ "the value; \"median instance\" is when half of them did. p50 and p99 over the puts.");
		line();
		line("| instances | kind | last, p50 | last, p99 | / floor, p50 | / floor, p99 | median instance, p50 | "
				+ "last, from the start of the put, p50 | arrivals lost |");
		line("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
		for (int size : this.run.settings().sizes()) {
			Optional<Propagation> floor = cell(size, Mode.BARE).map(Result::propagation);
			for (Mode mode : List.of(Mode.BARE, Mode.WATCHES, Mode.STARTER)) {
				Optional<Propagation> measured = cell(size, mode).map(Result::propagation);
				measured.ifPresent((p) -> line(
						"| " + count(size) + " | " + kind(mode) + " | " + ms(Optional.of(p.last().p50())) + " | "
								+ ms(Optional.of(p.last().p99())) + " | " + ratio(measured, floor, Latency::p50) + " | "
								+ ratio(measured, floor, Latency::p99) + " | " + ms(Optional.of(p.median().p50()))
								+ " | " + ms(Optional.of(p.lastFromPut().p50())) + " | " + p.lost() + " |"));
			}
		}
		line();
		int largest = this.run.settings().sizes().stream().mapToInt(Integer::intValue).max().orElse(0);
		Optional<Propagation> floor = cell(largest, Mode.BARE).map(Result::propagation);
		line("**Target:** the last of " + count(largest) + " instances holds the value within " + TARGET_RATIO
				+ "× of the bare floor, the instances being \"the starter's own watcher, or jetcd with exactly the "
				+ "starter's watch options\". Measured:");
		line();
		for (Mode mode : List.of(Mode.WATCHES, Mode.STARTER)) {
			Optional<Propagation> measured = cell(largest, mode).map(Result::propagation);
			if (floor.isPresent() && measured.isPresent()) {
				double p50 = measured.get().last().p50() / floor.get().last().p50();
				double p99 = measured.get().last().p99() / floor.get().last().p99();
				line("- " + kind(mode) + ": " + times(p50) + " at p50 and " + times(p99) + " at p99: "
						+ ((p50 <= TARGET_RATIO && p99 <= TARGET_RATIO) ? "met"
								: (p50 <= TARGET_RATIO) ? "met at p50, missed at p99" : "missed")
						+ ".");
			}
		}
		line();
	}

	private void etcdCost() {
		line("## etcd's memory and CPU per member");
		line();
		line("Per member: the mean of the three members, and in brackets the largest. \"Before\" is the fresh "
				+ "cluster with the data, before any instance connected; \"connected\" once every instance had "
				+ "connected and read; \"watching\" once every watch was confirmed. Idle CPU is the window with "
				+ "nothing written (" + this.run.settings().idle().toSeconds() + " s, which holds one round of the "
				+ "starter's 30 s liveness check); the busiest second shows a round's burst. CPU per put and bytes "
				+ "per put are taken over the recorded puts. CPU per put above idle takes off what the member used "
				+ "while idle, at the idle window's rate, over the time the recorded puts took: the starter's puts "
				+ "take longer (each waits for the last instance), so more of the background work (liveness "
				+ "checks, raft heartbeats) falls into each put's raw figure.");
		line();
		line("| instances | kind | connections per member | watch streams, all members | watchers, all members | "
				+ "RSS before (MB) | RSS connected (MB) | RSS watching (MB) | Go heap watching (MB) | "
				+ "idle CPU (% of a core) | idle CPU, busiest second | CPU per put (ms) | CPU per put above idle (ms) | "
				+ "sent per put (KB) |");
		line("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
		for (Result result : this.run.results()) {
			List<Member> watching = result.watching();
			Optional<Propagation> propagation = Optional.ofNullable(result.propagation());
			line("| " + count(result.instances()) + " | " + kind(result.mode()) + " | "
					+ perMember(watching, (m) -> m.connections(), 1, "%.0f") + " | " + sum(watching, Member::streams)
					+ " | " + sum(watching, Member::watchers) + " | "
					+ perMember(result.baseline(), Member::rss, MB, "%.1f") + " | "
					+ perMember(result.connected(), Member::rss, MB, "%.1f") + " | "
					+ perMember(watching, Member::rss, MB, "%.1f") + " | "
					+ perMember(watching, Member::heap, MB, "%.1f") + " | " + values(result.idle().etcdMean(), "%.1f")
					+ " | " + values(result.idle().etcdPeak(), "%.0f") + " | "
					+ propagation.map((p) -> values(p.etcdCpuPerPut(), "%.2f")).orElse("–") + " | "
					+ propagation.map((p) -> values(p.etcdCpuPerPutAboveIdle(result.idle()), "%.2f")).orElse("–")
					+ " | "
					+ propagation
						.map((p) -> values(Arrays.stream(p.sentPerPut()).map((b) -> b / 1024).toArray(), "%.0f"))
						.orElse("–")
					+ " |");
		}
		line();
		line("The connection counts include this JVM's writer and the launcher's status probes (a few per member); "
				+ "the watch streams and watchers are etcd's own gauges (`etcd_debugging_mvcc_watch_stream_total`, "
				+ "`etcd_debugging_mvcc_watcher_total`): a starter instance holds one stream with a watcher per "
				+ "watched key range; bare jetcd watches hold a stream each.");
		line();
	}

	private void simulationCost() {
		line("## The simulation's own cost");
		line();
		line("What the node JVMs, which play the instances, used of the same two cores. The starter's work per put "
				+ "(the hand-off to the applier thread, the snapshot, the change listener) is what each real "
				+ "instance does on its own CPU; here it is multiplied by the number of instances and competes with "
				+ "etcd.");
		line();
		line("| instances | kind | node JVMs | live threads | heap per instance (KB) | connect and read (s) | failed "
				+ "and started again | all watching (s) | node CPU per put (ms, all nodes) | idle node CPU (% of a "
				+ "core) | idle node CPU without the JIT compiler (% of a core) |");
		line("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
		for (Result result : this.run.results()) {
			line("| " + count(result.instances()) + " | " + kind(result.mode()) + " | " + result.nodes() + " | "
					+ result.nodeThreads() + " | " + fmt("%.0f", result.nodeHeap() / 1024.0 / result.instances())
					+ " | " + seconds(result.connectMillis()) + " | " + result.startFailures() + " | "
					+ seconds(result.watchMillis()) + " | "
					+ Optional.ofNullable(result.propagation()).map((p) -> fmt("%.1f", p.nodesCpuPerPut())).orElse("–")
					+ " | " + fmt("%.1f", result.idle().nodesMean()) + " | "
					+ fmt("%.1f", result.idle().nodesMeanWithoutCompiler()) + " |");
		}
		line();
		line("The idle window comes right after the instances started watching: code that first runs in it (the "
				+ "starter's liveness check, whose first round falls in the window) is compiled by the JIT then, "
				+ "a warm-up that each real instance pays once. The column without the JIT compiler threads (C1, C2, "
				+ "the code sweeper) shows the idle cost without it, beside the raw figure. Idle node CPU by thread "
				+ "(all node JVMs, % of a core; thread names without their numbers and cut to 12 characters; groups "
				+ "under 0.1 % left out):");
		line();
		line("| instances | kind | by thread |");
		line("|---:|---|---|");
		for (Result result : this.run.results()) {
			line("| " + count(result.instances()) + " | " + kind(result.mode()) + " | "
					+ result.idle()
						.nodesByThread()
						.entrySet()
						.stream()
						.filter((group) -> group.getValue() >= 0.1)
						.map((group) -> "`" + group.getKey().replace("|", "/") + "` " + fmt("%.1f", group.getValue()))
						.collect(Collectors.joining(", "))
					+ " |");
		}
		line();
	}

	private void storm() {
		List<Result> storms = results((result) -> result.storm() != null);
		if (storms.isEmpty()) {
			return;
		}
		line("## Start-up storm");
		line();
		line("Every instance starts at once, as after a deployment of every application or the loss of a "
				+ "Kubernetes node pool, through the starter's own start-up (`EtcdConfigStores.load`, without a "
				+ "snapshot file): a new client (a new connection to every member), etcd's revision and the paged read "
				+ "of " + count(storms.get(0).storm().keys()) + " keys at its page size ("
				+ "`etcd.config.page-size`, 500) with the start-up retries (`etcd.config.retry.*`), and the snapshot, "
				+ "then the client is closed. The snapshots are built here on the nodes' share of two cores, while in "
				+ "real life each instance builds its own on its own CPU. Meanwhile a writer puts a key outside "
				+ "every watched range every " + ScalePutTimer.INTERVAL_MILLIS + " ms; its latency in the "
				+ ScaleCell.STORM_BASELINE.toSeconds() + " s before the storm and during it is etcd's answer to "
				+ "\"what does the storm do to everyone else\". Target: every instance loaded within 60 s.");
		line();
		line("| instances | last load done (s) | load p50 / p99 / max (s) | retried reads | retries gave up | "
				+ "put p50 / p99 before (ms) | put p50 / p99 during (ms) | etcd CPU during (% of a core) | "
				+ "sent, all members (MB) | node CPU during (% of a core) | within 60 s |");
		line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
		for (Result result : storms) {
			Storm storm = result.storm();
			line("| " + count(result.instances()) + " | " + fmt("%.1f", storm.spanMillis() / 1000) + " | "
					+ fmt("%.1f", storm.load().p50() / 1000) + " / " + fmt("%.1f", storm.load().p99() / 1000) + " / "
					+ fmt("%.1f", storm.load().max() / 1000) + " | " + storm.failures() + " | " + storm.gaveUp() + " | "
					+ fmt("%.1f", storm.putsBefore().p50()) + " / " + fmt("%.1f", storm.putsBefore().p99()) + " | "
					+ fmt("%.1f", storm.putsDuring().p50()) + " / " + fmt("%.1f", storm.putsDuring().p99()) + " | "
					+ values(storm.etcdCpu(), "%.0f") + " | " + fmt("%.0f", Arrays.stream(storm.sentBytes()).sum() / MB)
					+ " | " + fmt("%.0f", storm.nodesCpu()) + " | "
					+ ((storm.spanMillis() <= 60_000 && storm.gaveUp() == 0) ? "yes" : "no") + " |");
		}
		line();
		fileStorm();
	}

	private void fileStorm() {
		List<Result> storms = results((result) -> result.fileStorm() != null);
		if (storms.isEmpty()) {
			return;
		}
		FileStorm first = storms.get(0).fileStorm();
		line("### From the snapshot files");
		line();
		line("A restart of a deployed fleet: every instance first loads the " + count(first.keys())
				+ " keys once through the starter (`EtcdConfigStores.load`) with a snapshot file of its own "
				+ "(`etcd.config.snapshot.path`), a few at a time; then " + first.changed()
				+ " keys of the range change; then every instance starts again at once through the same "
				+ "`EtcdConfigStores.load`, which reads etcd's history since its file's revision, or every key when "
				+ "etcd cannot serve that history. An instance is ready once it holds the " + first.changed()
				+ " changed values: etcd's state at the storm's start, not its file's. The loads that wrote the files "
				+ "give etcd's CPU per full load, the figure the storm is held against. Target: every instance ready "
				+ "within 60 s, and etcd's CPU for the storm at most that of " + FileStorm.TARGET_FULL_LOADS
				+ " full loads. \"Above idle\" takes off, on both sides, what the members use with nothing to do (raft's "
				+ "heartbeats), at each member's rate in its quietest second of the 10 s with nothing to do right before the storm: the storm lasts far longer than the loads.");
		line();
		line("| instances | last ready (s) | ready p50 / p99 (s) | from history | full reads | not ready | "
				+ "etcd CPU for the storm, per member: mean (max) (ms) | all members (ms) | "
				+ "etcd CPU per full load, per member: mean (max) (ms) | " + FileStorm.TARGET_FULL_LOADS
				+ " full loads, all members (ms) | storm ÷ " + FileStorm.TARGET_FULL_LOADS + " full loads | "
				+ "the same, above idle | node CPU during (% of a core) | within 60 s | CPU target |");
		line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
		for (Result result : storms) {
			FileStorm storm = result.fileStorm();
			boolean inTime = storm.lastReadyMillis() <= 60_000 && storm.notReady() == 0;
			line("| " + count(result.instances()) + " | " + fmt("%.1f", storm.lastReadyMillis() / 1000) + " | "
					+ fmt("%.1f", storm.ready().p50() / 1000) + " / " + fmt("%.1f", storm.ready().p99() / 1000) + " | "
					+ storm.fromHistory() + " | " + storm.fullReads() + " | " + storm.notReady() + " | "
					+ values(storm.etcdCpuMillis(), "%.0f") + " | "
					+ fmt("%.0f", Arrays.stream(storm.etcdCpuMillis()).sum()) + " | "
					+ values(storm.etcdCpuPerFullLoad(), "%.1f") + " | "
					+ fmt("%.0f", Arrays.stream(storm.etcdCpuPerFullLoad()).sum() * FileStorm.TARGET_FULL_LOADS) + " | "
					+ fmt("%.2f", storm.ofTargetFullLoads()) + " | " + fmt("%.2f", storm.ofTargetFullLoadsAboveIdle())
					+ " | " + fmt("%.0f", storm.nodesCpu()) + " | " + (inTime ? "met" : "missed") + " | "
					+ ((storm.ofTargetFullLoads() <= 1) ? "met" : "missed") + " |");
		}
		line();
	}

	private void recovery() {
		List<Result> recovered = results((result) -> !result.recoveries().isEmpty());
		if (recovered.isEmpty()) {
			return;
		}
		line("## Recovery");
		line();
		line("A member is stopped with SIGTERM, as in a rolling restart (etcd stops taking connections, then, after "
				+ "its request timeout, closes the watch streams still open), the instances watch again on the other "
				+ "members, the member is started again, and a put is made as soon as it answers. Then every member "
				+ "is killed with SIGKILL, kept down for " + this.run.settings().outage().toSeconds()
				+ " s and started again: the retry storm. \"All watching "
				+ "again\" runs from the stop (from the start command for the whole cluster) until the last "
				+ "disturbed instance watched again, polled every 2 ms; \"longest gap\" is the longest time one "
				+ "instance did not watch; \"all current\" runs from the acknowledgement of the put until the last "
				+ "instance held it. The starter retries in steps of 100 ms doubling to 500 ms, each jittered between "
				+ "half and all of its delay, and resets gRPC's reconnect backoff at each step; the floor's bare "
				+ "jetcd watches are shown for what their own retries cost while etcd is down.");
		line();
		line("| instances | kind | what | etcd down (s) | instances disturbed | not watching again within the "
				+ "deadline (60 s, 120 s for the whole cluster) | all watching again (ms) | longest gap "
				+ "(ms) | all current after the put (ms) | lost | node CPU while down (% of a core) | etcd CPU until "
				+ "settled (ms per member) |");
		line("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
		for (Result result : recovered) {
			for (Recovery recovery : result.recoveries()) {
				line("| " + count(result.instances()) + " | " + kind(result.mode()) + " | " + recovery.what() + " | "
						+ fmt("%.1f", recovery.downMillis() / 1000) + " | "
						+ ((result.mode() == Mode.BARE) ? "–" : Integer.toString(recovery.disturbed())) + " | "
						+ ((result.mode() == Mode.BARE) ? "–" : Integer.toString(recovery.notWatching())) + " | "
						+ measured("%.0f", recovery.watchingAgainMillis()) + " | "
						+ measured("%.0f", recovery.longestGapMillis()) + " | "
						+ measured("%.0f", recovery.currentMillis()) + " | "
						+ ((result.mode() == Mode.BARE) ? "–" : Integer.toString(recovery.lost())) + " | "
						+ measured("%.1f", recovery.nodesCpuWhileDown()) + " | "
						+ values(recovery.etcdCpuAfter(), "%.0f") + " |");
			}
		}
		line();
	}

	private void proxies() {
		List<Result> proxied = results((result) -> result.mode().isProxied());
		if (proxied.isEmpty()) {
			return;
		}
		line("## Through etcd's gRPC proxy");
		line();
		line("The same instances, pointed at " + this.run.settings().proxies() + " gRPC proxies (`etcd "
				+ "grpc-proxy start`, one process each, on the same machine) instead of the members: the starter's, "
				+ "and the floor's bare jetcd watches, which show what the proxies' hop costs jetcd alone. Each proxy "
				+ "holds one client of the cluster and merges the watchers of its clients that watch the same range "
				+ "from a compatible revision, so etcd's members hold the proxies' connections and watchers, and the "
				+ "proxies hold the instances'. Latencies are the last instance's, after the acknowledgement; "
				+ "\"direct\" is the same kind of instance connected to the members, and the target compares the "
				+ "starter via proxies with the direct floor.");
		line();
		line("| instances | kind | direct: last p50 / p99 (ms) | via proxies: last p50 / p99 (ms) | via proxies ÷ "
				+ "direct floor, p50 / p99 | etcd: connections per member | etcd: watch streams / watchers, all "
				+ "members | etcd RSS per member (MB) | etcd CPU per put (ms per member) | etcd idle CPU (% of a core "
				+ "per member) | proxies: RSS, all (MB) | proxies: CPU per put, all (ms) | proxies: idle CPU, all (% "
				+ "of a core) |");
		line("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
		for (Result result : proxied) {
			Optional<Propagation> direct = cell(result.instances(), result.mode().direct()).map(Result::propagation);
			Optional<Propagation> floor = cell(result.instances(), Mode.BARE).map(Result::propagation);
			Optional<Propagation> via = Optional.ofNullable(result.propagation());
			line("| " + count(result.instances()) + " | " + kind(result.mode()) + " | "
					+ ms(direct.map((p) -> p.last().p50())) + " / " + ms(direct.map((p) -> p.last().p99())) + " | "
					+ ms(via.map((p) -> p.last().p50())) + " / " + ms(via.map((p) -> p.last().p99())) + " | "
					+ ratio(via, floor, Latency::p50) + " / " + ratio(via, floor, Latency::p99) + " | "
					+ perMember(result.watching(), (m) -> m.connections(), 1, "%.0f") + " | "
					+ sum(result.watching(), Member::streams) + " / " + sum(result.watching(), Member::watchers) + " | "
					+ perMember(result.watching(), Member::rss, MB, "%.1f") + " | "
					+ via.map((p) -> values(p.etcdCpuPerPut(), "%.2f")).orElse("–") + " | "
					+ values(result.idle().etcdMean(), "%.1f") + " | " + fmt("%.0f", result.proxiesRss() / MB) + " | "
					+ via.map((p) -> fmt("%.1f", p.proxiesCpuPerPut())).orElse("–") + " | "
					+ fmt("%.1f", result.idle().proxiesMean()) + " |");
		}
		line();
	}

	private void checkCost() {
		if (this.run.checks().isEmpty()) {
			return;
		}
		line("## What the liveness check costs etcd");
		line();
		line("Every 30 s (`etcd.config.watch.check-interval`) each instance asks etcd for its revision (the "
				+ "member's `Maintenance.Status`, \"etcd's revision\" below) and then, for each watched range whose "
				+ "watch may have missed something since, for the newest change after what its watch received: keys "
				+ "only, sorted by modification revision, descending, limit 1, with a minimum modification revision, "
				+ "serializable at a revision known to be committed. etcd answers a sorted or filtered range by "
				+ "reading every key of the range and sorting them, so that read costs in proportion to the keys in "
				+ "the range. The revision was first a linearizable count and the read linearizable (a ReadIndex "
				+ "round with the leader each), measured below beside what the check asks now. Measured with "
				+ "one client, one request at a time, against a fresh cluster, etcd's CPU (all members, idle CPU "
				+ "taken off) per request, next to a count-only read of the same range and a read of one key:");
		line();
		costs("request", this.run.checks());
	}

	private void startCost() {
		if (this.run.starts().isEmpty()) {
			return;
		}
		line("## What one instance's start costs etcd");
		line();
		line("The storm from snapshot files is held against 100 full loads, and both start a client. Measured one "
				+ "start at a time against a fresh 3-member cluster holding a shared range, through the starter's own "
				+ "start-up (`EtcdConfigStores.load` with a new bootstrap context, then closed), etcd's CPU (all "
				+ "members, idle CPU taken off) per start: a client's start alone (its connections and one "
				+ "`Maintenance.Status`), a full load of the range, and a restart from a snapshot file written before "
				+ "10 of its keys changed. Each with the client given the three members, as deployed by default "
				+ "(jetcd's round-robin connects to every one); given the three and held to one of them "
				+ "(`etcd.load-balancing=one-member`); and given one member, a different one each start "
				+ "(`ScaleStartCost`):");
		line();
		costs("start", this.run.starts());
	}

	// A table of etcd's CPU and the latency per request or start.
	private void costs(String what, List<ScaleCheckCost.Cost> costs) {
		line("| keys in the range | " + what + " | etcd CPU per " + what
				+ " (µs) | latency p50 (ms) | latency p99 (ms) |");
		line("|---:|---|---:|---:|---:|");
		for (ScaleCheckCost.Cost cost : costs) {
			line("| " + count(cost.keys()) + " | " + cost.request() + " | " + fmt("%.0f", cost.etcdCpuMicros()) + " | "
					+ fmt("%.2f", cost.latency().p50()) + " | " + fmt("%.2f", cost.latency().p99()) + " |");
		}
		line();
	}

	/**
	 * Per-instance costs, and what they come to at {@link #TARGET_INSTANCES}.
	 */
	private void extrapolation() {
		int largest = this.run.settings().sizes().stream().mapToInt(Integer::intValue).max().orElse(0);
		Optional<Result> floor = cell(largest, Mode.BARE);
		Optional<Result> starter = cell(largest, Mode.STARTER);
		if (floor.isEmpty() || starter.isEmpty()) {
			return;
		}
		String at = count(TARGET_INSTANCES);
		line("## Per instance, and " + at + " instances (extrapolated)");
		line();
		line("Memory per connection and per watch stream comes from the floor's " + count(largest) + " clients (etcd's "
				+ "resident memory before and after they connected, then before and after they watched, over the "
				+ "connections and streams added); CPU and latency are fitted with a straight line over the sizes "
				+ "run (intercept + slope × instances). Every figure in the last column is **extrapolated**, not "
				+ "measured: it assumes these costs stay linear, on members with the cores and memory to spare.");
		line();
		line("| quantity | per instance | measured at " + count(largest) + " | at " + at + " (**extrapolated**) |");
		line("|---|---:|---:|---:|");
		Result bare = floor.get();
		Result full = starter.get();
		double connection = delta(bare.baseline(), bare.connected(), Member::rss)
				/ Math.max(1, delta(bare.baseline(), bare.connected(), Member::connections));
		double stream = delta(bare.connected(), bare.watching(), Member::rss)
				/ Math.max(1, delta(bare.connected(), bare.watching(), Member::streams));
		// A starter instance holds a connection to each member and two streams, spread
		// over the three.
		double perMember = connection + stream * 2 / 3;
		double baseline = mean(full.baseline(), Member::rss);
		line("| etcd memory per client connection | " + kb(connection) + " | | "
				+ fmt("%.0f MB per member", connection * TARGET_INSTANCES / MB) + " |");
		line("| etcd memory per watch stream | " + kb(stream) + " | | "
				+ fmt("%.0f MB per member", stream * TARGET_INSTANCES * 2 / 3 / MB) + " |");
		line("| RSS of one member: the data, plus a connection and two thirds of two streams per instance | "
				+ kb(perMember) + " | " + fmt("%.0f MB", mean(full.watching(), Member::rss) / MB) + " | "
				+ fmt("%.0f MB", (baseline + perMember * TARGET_INSTANCES) / MB) + " |");
		line("| RSS of one member as measured with the starter (includes the heap etcd grew to serve the loads) | "
				+ kb((mean(full.watching(), Member::rss) - baseline) / largest) + " | | |");
		Optional<Propagation> propagation = Optional.ofNullable(full.propagation());
		propagation.ifPresent((measured) -> {
			fit(Mode.STARTER, (result) -> Arrays.stream(result.propagation().etcdCpuPerPut()).sum())
				.ifPresent((fit) -> line("| etcd CPU per put, all members | " + fmt("%.1f µs", fit[1] * 1000) + " | "
						+ fmt("%.1f ms", Arrays.stream(measured.etcdCpuPerPut()).sum()) + " | "
						+ fmt("%.0f ms", fit[0] + fit[1] * TARGET_INSTANCES) + " |"));
			double sent = Arrays.stream(measured.sentPerPut()).sum();
			line("| bytes sent per put, all members | " + fmt("%.0f B", sent / largest) + " | "
					+ fmt("%.0f KB", sent / 1024) + " | " + fmt("%.1f MB", sent / largest * TARGET_INSTANCES / MB)
					+ " |");
		});
		for (Mode mode : Mode.values()) {
			fit(mode, (result) -> result.propagation().last().p50()).ifPresent((fit) -> line(
					"| " + kind(mode) + ": the last instance's p50 after the ack | " + fmt("%.1f µs", fit[1] * 1000)
							+ " | " + ms(cell(largest, mode).map((result) -> result.propagation().last().p50()))
							+ " ms | " + fmt("%.0f ms", fit[0] + fit[1] * TARGET_INSTANCES) + " |"));
		}
		fit(Mode.STARTER, (result) -> Arrays.stream(result.idle().etcdMean()).sum())
			.ifPresent((fit) -> line("| etcd CPU with nothing written, all members (keep-alives, the liveness check) | "
					+ fmt("%.4f %% of a core", fit[1]) + " | "
					+ fmt("%.1f %%", Arrays.stream(full.idle().etcdMean()).sum()) + " | "
					+ fmt("%.1f cores", (fit[0] + fit[1] * TARGET_INSTANCES) / 100) + " |"));
		for (ScaleCheckCost.Cost cost : this.run.checks()) {
			// One request per instance every 30 s: etcd's revision (the member's Status)
			// while nothing is written, the read of the shared range at a revision when
			// something was.
			String what = cost.request().equals(ScaleCheckCost.PROBE_STATUS)
					? "the liveness check while nothing is written (etcd's revision, Status), every 30 s"
					: cost.request().equals(ScaleCheckCost.CHECK) ? "the liveness check's read of a "
							+ "shared range of " + count(cost.keys()) + " keys (serializable at a revision), every 30 s"
							: null;
			if (what != null) {
				double cores = cost.etcdCpuMicros() / 1e6 / 30;
				line("| " + what + " | " + fmt("%.4f %% of a core", cores * 100) + " | "
						+ fmt("%.1f %%", cores * 100 * largest) + " | " + fmt("%.1f cores", cores * TARGET_INSTANCES)
						+ " |");
			}
		}
		Optional.ofNullable(full.storm()).ifPresent((storm) -> {
			double cpuSeconds = Arrays.stream(storm.etcdCpu()).sum() / 100 * storm.spanMillis() / 1000;
			long sent = Arrays.stream(storm.sentBytes()).sum();
			line("| start-up storm: etcd CPU per load of " + count(storm.keys()) + " keys, all members | "
					+ fmt("%.1f ms", cpuSeconds * 1000 / largest) + " | " + fmt("%.1f s", cpuSeconds) + " | "
					+ fmt("%.0f s of one core", cpuSeconds / largest * TARGET_INSTANCES) + " |");
			line("| start-up storm: bytes sent per load | " + fmt("%.2f MB", sent / MB / largest) + " | "
					+ fmt("%.0f MB", sent / MB) + " | " + fmt("%.1f GB", sent / MB / 1024 / largest * TARGET_INSTANCES)
					+ fmt(", %.0f MB/s over 60 s", sent / MB / largest * TARGET_INSTANCES / 60) + " |");
		});
		for (Result result : List.of(bare, full)) {
			outage(result).ifPresent((outage) -> line("| " + kind(result.mode()) + ": client CPU for the retries "
					+ "while etcd is down | " + fmt("%.3f %% of a core", outage.nodesCpuWhileDown() / largest) + " | "
					+ fmt("%.0f %%", outage.nodesCpuWhileDown()) + " | "
					+ fmt("%.0f cores, spread over the instances' machines",
							outage.nodesCpuWhileDown() / largest * TARGET_INSTANCES / 100)
					+ " |"));
		}
		outage(full).ifPresent((outage) -> {
			double cpu = Arrays.stream(outage.etcdCpuAfter()).sum();
			line("| after the outage: etcd CPU until every instance watched and was current, all members | "
					+ fmt("%.2f ms", cpu / largest) + " | " + fmt("%.0f ms", cpu) + " | "
					+ fmt("%.0f s of one core", cpu / largest * TARGET_INSTANCES / 1000) + " |");
		});
		line();
	}

	private static Optional<Recovery> outage(Result result) {
		return result.recoveries()
			.stream()
			.filter((recovery) -> !Double.isNaN(recovery.nodesCpuWhileDown()))
			.findFirst();
	}

	/**
	 * A straight line through one figure of the cells of a kind, against the number of
	 * instances.
	 * @return intercept and slope; through 0 with one size only; empty without a cell
	 */
	private Optional<double[]> fit(Mode mode, ToDoubleFunction<Result> figure) {
		List<Result> cells = results((result) -> result.mode() == mode && result.propagation() != null);
		if (cells.isEmpty()) {
			return Optional.empty();
		}
		if (cells.size() == 1) {
			return Optional.of(new double[] { 0, figure.applyAsDouble(cells.get(0)) / cells.get(0).instances() });
		}
		double meanX = cells.stream().mapToDouble(Result::instances).average().orElse(0);
		double meanY = cells.stream().mapToDouble(figure).average().orElse(0);
		double covariance = 0;
		double variance = 0;
		for (Result cell : cells) {
			covariance += (cell.instances() - meanX) * (figure.applyAsDouble(cell) - meanY);
			variance += (cell.instances() - meanX) * (cell.instances() - meanX);
		}
		double slope = covariance / variance;
		return Optional.of(new double[] { meanY - slope * meanX, slope });
	}

	private List<Result> results(Predicate<Result> which) {
		return this.run.results().stream().filter(which).toList();
	}

	private Optional<Result> cell(int instances, Mode mode) {
		return this.run.results()
			.stream()
			.filter((result) -> result.instances() == instances && result.mode() == mode)
			.findFirst();
	}

	private static String ratio(Optional<Propagation> starter, Optional<Propagation> floor,
			ToDoubleFunction<Latency> percentile) {
		if (starter.isEmpty() || floor.isEmpty()) {
			return "–";
		}
		return times(percentile.applyAsDouble(starter.get().last()) / percentile.applyAsDouble(floor.get().last()));
	}

	private static double delta(List<Member> before, List<Member> after, ToLongFunction<Member> value) {
		return after.stream().mapToLong(value).sum() - before.stream().mapToLong(value).sum();
	}

	private static double mean(List<Member> members, ToLongFunction<Member> value) {
		return members.stream().mapToLong(value).average().orElse(0);
	}

	private static long sum(List<Member> members, ToLongFunction<Member> value) {
		return members.stream().mapToLong(value).sum();
	}

	private static String perMember(List<Member> members, ToLongFunction<Member> value, double unit, String format) {
		return values(members.stream().mapToDouble((member) -> value.applyAsLong(member) / unit).toArray(), format);
	}

	// The mean, and the largest in brackets.
	private static String values(double[] values, String format) {
		if (values.length == 0) {
			return "–";
		}
		double mean = Arrays.stream(values).average().orElse(0);
		double max = Arrays.stream(values).max().orElse(0);
		return fmt(format, mean) + " (" + fmt(format, max) + ")";
	}

	private static String measured(String format, double value) {
		return Double.isNaN(value) ? "–" : fmt(format, value);
	}

	private static String kb(double bytes) {
		return fmt("%.1f KB", bytes / 1024);
	}

	private static String kind(Mode mode) {
		return switch (mode) {
			case BARE -> "floor";
			case WATCHES -> "the starter's watches (jetcd)";
			case STARTER -> "starter";
			case PROXIED -> "starter via proxies";
			case BARE_PROXIED -> "floor via proxies";
		};
	}

	private static String ms(Optional<Double> millis) {
		return millis.map((value) -> fmt("%.1f", value)).orElse("–");
	}

	private static String times(double ratio) {
		return fmt("%.2f×", ratio);
	}

	private static String seconds(long millis) {
		return fmt("%.1f", millis / 1000.0);
	}

	private static String count(int count) {
		return String.format(Locale.ROOT, "%,d", count);
	}

	private static String minutes(Duration duration) {
		return fmt("%.1f min", duration.toSeconds() / 60.0);
	}

	private static String fmt(String format, Object... args) {
		return String.format(Locale.ROOT, format, args);
	}

	private void line(String text) {
		this.out.append(text).append('\n');
	}

	private void line() {
		this.out.append('\n');
	}

}
