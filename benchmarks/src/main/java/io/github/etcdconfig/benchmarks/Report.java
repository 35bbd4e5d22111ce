package io.github.etcdconfig.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import io.github.etcdconfig.benchmarks.Apps.Mode;
import io.github.etcdconfig.benchmarks.BurstBenchmark.Result;
import io.github.etcdconfig.benchmarks.PropagationBenchmark.Cell;
import io.github.etcdconfig.benchmarks.PropagationBenchmark.Probe;
import io.github.etcdconfig.benchmarks.StartupBenchmark.Cold;
import io.github.etcdconfig.benchmarks.StartupBenchmark.Load;
import io.github.etcdconfig.benchmarks.StartupBenchmark.Start;
import io.github.etcdconfig.benchmarks.Stats.Latency;

/**
 * Writes docs/benchmarks.md from one run. Everything after {@link #KEPT} is written by
 * hand (what was profiled and found) and is carried over when the benchmarks run again.
 */
final class Report {

	static final String COMMAND = "./mvnw -q -B -Pbenchmarks -pl benchmarks -am verify";

	static final String KEPT = "<!-- Written by hand below this line; the benchmark run keeps it. -->";

	private final StringBuilder out = new StringBuilder();

	private final Run run;

	/**
	 * Everything one run measured; a part that was not run is empty.
	 */
	record Run(ZonedDateTime started, Duration took, String loadBefore, String loadAfter, Map<String, String> machine,
			Samples samples, int warmUpPuts, List<Load> loads, List<Start> starts, List<Cold> colds,
			MemoryBenchmark.Result memory, List<MemoryBenchmark.Application> application, List<Cell> cells,
			List<Result> bursts, StreamReport.Results streams) {
	}

	/**
	 * The sample counts a run used.
	 */
	record Samples(int propagation, int propagationWithReader, int fullRefresh, int fullRefreshWithReader,
			int globalWarmUp, int loadRuns, int startRuns, int freshStartRuns, int burstRuns) {
	}

	private Report(Run run) {
		this.run = run;
	}

	static void write(Run run, Path file) throws IOException {
		Report report = new Report(run);
		report.all();
		writeKeeping(file, report.out, "Findings");
	}

	/**
	 * Write a generated report over a file, keeping what was written by hand after
	 * {@link #KEPT}.
	 * @param file the file
	 * @param generated the generated part
	 * @param heading the heading of the hand-written part, for a new file
	 */
	static void writeKeeping(Path file, CharSequence generated, String heading) throws IOException {
		String kept = KEPT + "\n\n## " + heading + "\n\nNothing written yet.\n";
		if (Files.exists(file)) {
			String existing = Files.readString(file);
			int at = existing.indexOf(KEPT);
			if (at >= 0) {
				kept = existing.substring(at);
			}
		}
		Files.writeString(file, generated + "\n" + kept);
	}

	private void all() {
		line("# Benchmarks");
		line();
		line("Measured by the `benchmarks` module on " + this.run.started().format(DateTimeFormatter.RFC_1123_DATE_TIME)
				+ "; the run took " + minutes(this.run.took()) + ". Load average (1 / 5 / 15 min) "
				+ this.run.loadBefore() + " before the run and " + this.run.loadAfter()
				+ " after it. Every figure below "
				+ "comes from that one run, against a real etcd that it started itself.");
		line();
		reproduce();
		machine();
		verdicts();
		startup();
		propagation();
		bursts();
		memory();
		baseline();
		StreamReport.sections(this.run.streams()).forEach(this::line);
	}

	private void reproduce() {
		line("## How to reproduce");
		line();
		line("```");
		line(COMMAND);
		line("```");
		line();
		line("It needs JDK 17, etcd on the `PATH` or at `/usr/bin/etcd` (Debian: `apt-get install etcd-server`; "
				+ "`ETCD_BIN` or `-Detcd.bin` point elsewhere) and a font for the chart (Debian: `fonts-dejavu-core`). "
				+ "The `benchmarks` profile adds the module to the build and skips the unit tests of the modules it "
				+ "builds; the `verify` phase then runs `io.github.etcdconfig.benchmarks.Benchmarks` in a JVM of its "
				+ "own (`-Xms2g -Xmx2g -XX:+UseG1GC`), which starts one etcd member through the project's launcher "
				+ "(`EtcdCluster`, data directory on the local disk under `java.io.tmpdir`), runs every measure "
				+ "against it, rewrites this file, `docs/benchmarks-propagation.png` and `docs/" + StreamChart.FILE
				+ "`, and stops etcd; the recovery part starts an etcd of its own, which it kills and stops. It takes "
				+ "about 40 minutes on 2 cores, of which the recovery part takes about 20. Check `uptime` first: "
				+ "other work on the machine shows up in the tails.");
		line();
		line("Options (Maven properties): `-Dbench.only=startup,memory,propagation,bursts,stream,anatomy,recovery` "
				+ "runs some parts only (`fresh-start`: only the start in a fresh JVM, which `startup` includes); "
				+ "`-Dbench.counts=100,100000` measures propagation at these key counts only; "
				+ "`-Dbench.scale=0.1` divides every sample count, for a quick try only; "
				+ "`-Dbench.outages=1,2 -Dbench.outage.trials=1,1` shortens the outages (seconds) and their trials, "
				+ "for a quick try only; "
				+ "`-Dbench.jvm=-XX:StartFlightRecording=filename=bench.jfr` adds a JVM option, for profiling.");
		line();
	}

	private void machine() {
		line("## Machine and versions");
		line();
		line("| | |");
		line("|---|---|");
		this.run.machine().forEach((name, value) -> line("| " + name + " | " + value + " |"));
		Samples samples = this.run.samples();
		line("| Samples | propagation: " + samples.propagation() + " per cell without a reader thread, "
				+ samples.propagationWithReader() + " with one, and half as many of the bare watch in between; "
				+ "full-refresh baseline: " + samples.fullRefresh() + " / " + samples.fullRefreshWithReader()
				+ "; JIT warm-up: " + this.run.warmUpPuts() + " unrecorded changes before the first cell (rounds over "
				+ "the four probes until the JIT had compiled nothing for 2 s, at least " + samples.globalWarmUp()
				+ " changes, at most 45 s) and 100 more per probe in each application; loads: " + samples.loadRuns()
				+ " runs, application starts: " + samples.startRuns() + " runs (in a fresh JVM: "
				+ samples.freshStartRuns() + " pairs), bursts: " + samples.burstRuns() + " runs per size |");
		line();
	}

	private void verdicts() {
		line("## Verdict per target");
		line();
		line("All propagation targets are read from the `@RefreshScope` probe without a reader thread, as the "
				+ "reference figures were (the new-name target from its own probe); the tables below have every other "
				+ "combination. The key counts are measured in the order 1,000, 10,000, 100,000, 100: the JIT still "
				+ "improves after the warm-up, and the smallest application, measured last, has the advantage, which "
				+ "makes the targets against 100 keys harder, not easier.");
		line();
		line("| Target | Measured | Verdict |");
		line("|---|---|---|");
		Optional<Cell> scope1k = cell(1_000, Mode.ETCD_CONFIG, Probe.REFRESH_SCOPE, false);
		verdict("`@RefreshScope` at 1,000 keys, from etcd's acknowledgement: p50 ≤ 1 ms and p99 ≤ 5 ms",
				scope1k
					.map((cell) -> "p50 " + ms(cell.fromAck().p50()) + " ms, p99 " + ms(cell.fromAck().p99()) + " ms"),
				scope1k.map((cell) -> cell.fromAck().p50() <= 1 && cell.fromAck().p99() <= 5));
		List<String> ratios = new ArrayList<>();
		Optional<Boolean> withinFloor = Optional.empty();
		for (int keys : Benchmarks.PROPAGATION_COUNTS) {
			Optional<Double> ratio = floorRatio(cell(keys, Mode.ETCD_CONFIG, Probe.REFRESH_SCOPE, false));
			if (ratio.isPresent()) {
				ratios.add(String.format(Locale.ROOT, "%.2f× at %,d keys", ratio.get(), keys));
				withinFloor = Optional.of(withinFloor.orElse(true) && ratio.get() <= 1.3);
			}
		}
		verdict("From the start of the put, within 1.3× of the bare jetcd watch (p50, against the bare-watch samples "
				+ "taken in between)", ratios.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", ratios)),
				withinFloor);
		growthVerdict(10_000, Probe.REFRESH_SCOPE);
		growthVerdict(100_000, Probe.REFRESH_SCOPE);
		growthVerdict(100_000, Probe.NEW_NAME);
		for (int[] target : new int[][] { { 1_000, 20 }, { 10_000, 50 } }) {
			Optional<Cell> ours = cell(target[0], Mode.ETCD_CONFIG, Probe.REFRESH_SCOPE, false);
			Optional<Cell> full = cell(target[0], Mode.FULL_REFRESH, Probe.REFRESH_SCOPE, false);
			Optional<Double> faster = ours.flatMap((o) -> full.map((f) -> f.fromAck().p50() / o.fromAck().p50()));
			verdict(String.format(Locale.ROOT,
					"At least %d× faster than the full refresh at %,d keys (p50 from the " + "acknowledgement)",
					target[1], target[0]),
					faster.map((ratio) -> String.format(Locale.ROOT, "%.0f× (%s ms against %s ms; p99 %.0f×)", ratio,
							ms(ours.get().fromAck().p50()), ms(full.get().fromAck().p50()),
							full.get().fromAck().p99() / ours.get().fromAck().p99())),
					faster.map((ratio) -> ratio >= target[1]));
		}
		Optional<Load> load10k = this.run.loads().stream().filter((load) -> load.keys() == 10_000).findFirst();
		verdict("10,000 keys load in ≤ 250 ms (median)",
				load10k
					.map((load) -> ms(load.total().median()) + " ms (slowest run " + ms(load.total().max()) + " ms)"),
				load10k.map((load) -> load.total().median() <= 250));
		Optional<Result> burst = this.run.bursts().stream().filter((result) -> result.puts() == 2_000).findFirst();
		verdict("A 2,000-put burst converges in ≤ 500 ms with ≤ 100 refreshes (slowest run)", burst
			.map((result) -> ms(result.converge().max()) + " ms, " + (long) result.refreshes().max() + " refreshes"),
				burst.map((result) -> result.converge().max() <= 500 && result.refreshes().max() <= 100));
		Optional<MemoryBenchmark.Application> application = this.run.application()
			.stream()
			.filter((result) -> result.keys() == 100_000)
			.findFirst();
		verdict("The whole application retains ≤ 400 B per key at 100,000 keys (46 bytes of key and value each)",
				application.map((result) -> String.format(Locale.ROOT, "%.0f B per key", result.perKey())),
				application.map((result) -> result.perKey() <= 400));
		Optional<Cold> cold = this.run.colds()
			.stream()
			.filter((start) -> start.keys() == 100_000 && !start.crypto())
			.findFirst();
		verdict("A fresh JVM starts the application ≤ 1 s slower with 100,000 keys than with none (medians)",
				cold.map((start) -> ms(start.withKeys().median() - start.none().median()) + " ms slower ("
						+ ms(start.withKeys().median()) + " ms against " + ms(start.none().median()) + " ms)"),
				cold.map((start) -> start.withKeys().median() - start.none().median() <= 1_000));
		MemoryBenchmark.Result memory = this.run.memory();
		verdict("The store's snapshot retains ≤ 3× the key and value bytes + 200 B per key (100,000 keys)",
				Optional.ofNullable(memory)
					.map((m) -> String.format(Locale.ROOT, "%.0f B per key against %.0f B", m.snapshotPerKey(),
							m.targetPerKey())),
				Optional.ofNullable(memory).map((m) -> m.snapshotPerKey() <= m.targetPerKey()));
		StreamReport.verdicts(this.run.streams()).forEach(this::line);
		line();
	}

	// p50 from the acknowledgement at a key count against 100 keys, without a reader
	// thread.
	private void growthVerdict(int keys, Probe probe) {
		Optional<Cell> small = cell(100, Mode.ETCD_CONFIG, probe, false);
		Optional<Cell> large = cell(keys, Mode.ETCD_CONFIG, probe, false);
		Optional<Double> growth = small.flatMap((s) -> large.map((l) -> l.fromAck().p50() / s.fromAck().p50()));
		verdict(String.format(Locale.ROOT, "%s: p50 at %,d keys ≤ 1.5× p50 at 100 keys (from the acknowledgement)",
				(probe == Probe.NEW_NAME) ? "A new name" : "A value change, " + probe.title, keys),
				growth.map((ratio) -> String.format(Locale.ROOT, "%.2f× (%s ms against %s ms)", ratio,
						ms(large.get().fromAck().p50()), ms(small.get().fromAck().p50()))),
				growth.map((ratio) -> ratio <= 1.5));
	}

	private void verdict(String target, Optional<String> measured, Optional<Boolean> met) {
		line(verdictRow(target, measured, met));
	}

	static String verdictRow(String target, Optional<String> measured, Optional<Boolean> met) {
		return "| " + target + " | " + measured.orElse("not measured in this run") + " | "
				+ met.map((ok) -> ok ? "met" : "**missed**").orElse("–") + " |";
	}

	private void startup() {
		if (this.run.loads().isEmpty() && this.run.starts().isEmpty() && this.run.colds().isEmpty()) {
			return;
		}
		line("## 1. Start-up");
		line();
		// A run of the fresh-JVM start alone (-Dbench.only=fresh-start) has no loads or
		// warm starts.
		if (!this.run.loads().isEmpty() || !this.run.starts().isEmpty()) {
			warmStartup();
		}
		freshStartup();
	}

	private void warmStartup() {
		line("**Loading keys.** `EtcdConfigStores.load`, the product's own start-up path, timed around the call: "
				+ "connect a jetcd client, read every key under `/config/` in pages pinned to one revision, build the "
				+ "snapshot. Keys are `/config/bench/fill/gGGGG/kNNNNNN` (32 bytes) with 14-byte values. The two parts "
				+ "are also timed on their own, on the loaded store: the paged read (`EtcdConfigStore.read`) and "
				+ "building the snapshot from it (`EtcdConfigSnapshot.of`). Median (fastest–slowest) of "
				+ this.run.samples().loadRuns() + " runs after 2 unrecorded ones (5 at 100 keys, the first), in the "
				+ "warmed-up JVM.");
		line();
		line("| Keys | Load (client + read + snapshot), ms | Paged read alone, ms | Snapshot alone, ms |");
		line("|---:|---:|---:|---:|");
		for (Load load : this.run.loads()) {
			line(String.format(Locale.ROOT, "| %,d | %s | %s | %s |", load.keys(), runs(load.total()),
					runs(load.read()), runs(load.build())));
		}
		line();
		line("**Starting the application.** `SpringApplication.run` of the probe application (no web server, three "
				+ "probe beans) until it returns, with etcd-config against the same application with "
				+ "`etcd.config.enabled=false`, alternately, in the same warmed-up JVM (a cold JVM adds class loading "
				+ "and JIT to both). Median (fastest–slowest) of " + this.run.samples().startRuns()
				+ " runs each, after " + "2 unrecorded pairs (5 at 100 keys).");
		line();
		line("| Keys | With etcd-config, ms | `etcd.config.enabled=false`, ms | Difference of the medians, ms |");
		line("|---:|---:|---:|---:|");
		for (Start start : this.run.starts()) {
			line(String.format(Locale.ROOT, "| %,d | %s | %s | %s |", start.keys(), runs(start.enabled()),
					runs(start.disabled()), ms(start.enabled().median() - start.disabled().median())));
		}
		line();
	}

	private void freshStartup() {
		if (this.run.colds().isEmpty()) {
			return;
		}
		line("**Starting the application in a fresh JVM,** as a new user does: a JVM of its own (the same JDK, "
				+ "no options), launched with the probe application as its main class, timed from the launch until "
				+ "`SpringApplication.run` returned (the application prints a line then), class loading and JIT "
				+ "included; also the CPU time the JVM had used by then, all threads together, which a busy machine "
				+ "disturbs less than the time. With the keys against the same application reading a prefix that "
				+ "holds no key " + "(`etcd.config.prefixes=" + StartupBenchmark.NONE_PREFIX
				+ "`), alternately. Median " + "(fastest–slowest) of " + this.run.samples().freshStartRuns()
				+ " runs each, after one unrecorded "
				+ "pair: a fresh JVM on two cores swings by a few hundred milliseconds from one start to the next. "
				+ "With the starter's class path, then with `spring-security-crypto` added to both, as an application "
				+ "that decrypts `{cipher}` values adds it: Spring Cloud then reads every property of every source "
				+ "for such values at start-up.");
		line();
		line("| Keys | Class path | With the keys, ms | With none, ms | Difference of the medians, ms | CPU time with the keys, ms | With none, ms | Difference, ms |");
		line("|---:|---|---:|---:|---:|---:|---:|---:|");
		for (Cold cold : this.run.colds()) {
			String classPath = cold.crypto() ? "with `spring-security-crypto`" : "the starter's";
			line(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s | %s | %s |", cold.keys(), classPath,
					runs(cold.withKeys()), runs(cold.none()), ms(cold.withKeys().median() - cold.none().median()),
					runs(cold.withKeysCpu()), runs(cold.noneCpu()),
					ms(cold.withKeysCpu().median() - cold.noneCpu().median())));
		}
		line();
	}

	private void propagation() {
		if (this.run.cells().isEmpty()) {
			return;
		}
		line("## 2. Propagation");
		line();
		line("From a put to the moment a bean returns the new value. The writing thread (its own jetcd client, the "
				+ "same for every cell) starts an asynchronous put and spins, reading `System.nanoTime()` and calling "
				+ "the bean every " + PropagationBenchmark.POLL_NANOS / 1000 + " µs (busy-waiting in between, never "
				+ "sleeping), until the bean returns the value; the put's completion callback stamps etcd's "
				+ "acknowledgement. The pacing matters: every call of a `@RefreshScope` proxy allocates (Spring "
				+ "Cloud's `GenericScope.get` creates a lock and a wrapper each time), and an unpaced spin allocated "
				+ "so fast that its own GC pauses became the p99 of the cells it measured. *From put* counts from the "
				+ "start of the put (etcd's commit and fsync included), "
				+ "*from ack* from the acknowledgement: the application's own share. It is below zero when the "
				+ "application had the value before the writer had etcd's answer. Changes are isolated: the next put "
				+ "starts " + PropagationBenchmark.GAP_MILLIS + " ms after the previous value was seen, more than the "
				+ "10 ms coalescing window, so no change waits for another.");
		line();
		line("The probes, each on its own key so that a put touches one of them: a `@RefreshScope` bean made from "
				+ "a `@Value` parameter (re-created on its next call), a `@ConfigurationProperties` bean (rebound in "
				+ "place), a singleton's `@Value` field (updated in place; the field is `volatile`, as a field read "
				+ "across threads must be). *Bare jetcd watch* is the floor: in the same JVM, with the same writer, a "
				+ "jetcd watch on a client of its own stores the value its listener receives into a volatile field, "
				+ "which is spun on the same way; it watches `/floor/`, so the application's watcher does not see its "
				+ "puts. Its samples are taken in between: after every second sample of a probe, one of the bare "
				+ "watch, so both see etcd at the same moments (etcd's fsync times drift over minutes, and they are "
				+ "most of *from put*); its rows gather those samples over the three probes. *Reader thread*: another thread calls the probe in a tight loop meanwhile; with the spinning "
				+ "writer that keeps both cores busy, so those cells show the cost of CPU contention as much as of "
				+ "locks. *New name*: each sample puts a key that never existed, under the map of the "
				+ "`@ConfigurationProperties` probe (`bench.probe.props.map.nNNN`), and spins until the rebound map "
				+ "holds it, so the binder must find a name it has never seen; the key is then deleted, untimed, so "
				+ "the application keeps its number of keys; without a reader thread only. *Full refresh* is the "
				+ "baseline of section 5, up to " + String.format(Locale.ROOT, "%,d", 10_000) + " keys (at 100,000 "
				+ "each refresh takes seconds); it never updates a singleton's `@Value` field, so it has no such row. Milliseconds; *× bare* is p50 from put divided by that of the bare-watch "
				+ "samples taken in between (for the full refresh, by the bare watch's row); "
				+ "*full ÷* is the full refresh's p50 (and p99) from ack divided by this row's. *CPU per change*: "
				+ "the CPU time every thread of the JVM but the measuring one used during the cell, per sample "
				+ "(for a new name, half of it: each sample also deleted its name), which a busy machine disturbs "
				+ "less than the latencies; not measured with a reader thread, which spins.");
		line();
		line("![Propagation latency against key count](benchmarks-propagation.png)");
		line();
		line("The chart shows the cells without a reader thread, from the acknowledgement; values at or below zero are "
				+ "drawn at " + Chart.FLOOR_MILLIS + " ms.");
		line();
		for (boolean reader : new boolean[] { false, true }) {
			line(reader ? "### With a reader thread" : "### Without a reader thread");
			line();
			line("| Keys | Path | Probe | Samples | From put p50 / p99 / max, ms | From ack p50 / p99 / max, ms | × bare | full ÷ | CPU per change, ms |");
			line("|---:|---|---|---:|---:|---:|---:|---:|---:|");
			for (int keys : Benchmarks.PROPAGATION_COUNTS) {
				for (Mode mode : List.of(Mode.ETCD_CONFIG, Mode.FULL_REFRESH)) {
					for (Probe probe : Probe.values()) {
						cell(keys, mode, probe, reader).ifPresent(this::propagationRow);
					}
				}
			}
			line();
		}
	}

	private void propagationRow(Cell cell) {
		String path = (cell.probe() == Probe.BARE_WATCH) ? "floor"
				: (cell.mode() == Mode.ETCD_CONFIG) ? "etcd-config" : "full refresh";
		String bare = (cell.probe() == Probe.BARE_WATCH) ? "1"
				: floorRatio(Optional.of(cell)).map((ratio) -> String.format(Locale.ROOT, "%.2f", ratio)).orElse("–");
		String full = "–";
		if (cell.mode() == Mode.ETCD_CONFIG && cell.probe() != Probe.BARE_WATCH) {
			full = cell(cell.keys(), Mode.FULL_REFRESH, cell.probe(), cell.reader())
				.map((f) -> String.format(Locale.ROOT, "%.0f / %.0f", f.fromAck().p50() / cell.fromAck().p50(),
						f.fromAck().p99() / cell.fromAck().p99()))
				.orElse("–");
		}
		line(String.format(Locale.ROOT, "| %,d | %s | %s | %d%s | %s | %s | %s | %s | %s |", cell.keys(), path,
				cell.probe().title, cell.fromPut().samples(), (cell.lost() > 0) ? " (" + cell.lost() + " lost)" : "",
				latency(cell.fromPut()), latency(cell.fromAck()), bare, full,
				Double.isNaN(cell.cpuPerChange()) ? "–" : ms(cell.cpuPerChange())));
	}

	private void bursts() {
		if (this.run.bursts().isEmpty()) {
			return;
		}
		line("## 3. Bursts");
		line();
		line("Puts sent as fast as one client can: asynchronous and pipelined on one connection, at most "
				+ String.format(Locale.ROOT, "%,d", BurstBenchmark.IN_FLIGHT)
				+ " in flight (etcd 3.4 answers \"too many "
				+ "requests\" once applying falls 5,000 entries behind), each key written ten times, while the "
				+ "application holds 1,000 other keys. *Converged* runs from "
				+ "the first put to the `EtcdConfigChangedEvent` that applied etcd's final revision (the event stamps "
				+ "its own time); the application's Environment is then checked to hold exactly what etcd holds. "
				+ "*Refreshes* counts `EtcdConfigChangedEvent`s. *Bare watch*: a jetcd watch of the burst's keys, "
				+ "in the same JVM, stamping when etcd delivered the final revision to it: what etcd alone takes. "
				+ "Median (fastest–slowest) of " + this.run.samples().burstRuns()
				+ " bursts after one unrecorded burst that creates the keys.");
		line();
		line("| Puts | Keys | All acknowledged after, ms | Bare watch had the final revision after, ms | Converged after, ms | Of which after the last ack, ms | Refreshes |");
		line("|---:|---:|---:|---:|---:|---:|---:|");
		for (Result burst : this.run.bursts()) {
			line(String.format(Locale.ROOT, "| %,d | %,d | %s | %s | %s | %s | %.0f (%.0f–%.0f) |", burst.puts(),
					burst.keys(), runs(burst.send()), runs(burst.bare()), runs(burst.converge()),
					runs(burst.afterSend()), burst.refreshes().median(), burst.refreshes().min(),
					burst.refreshes().max()));
		}
		line();
	}

	private void memory() {
		MemoryBenchmark.Result memory = this.run.memory();
		if (memory == null) {
			return;
		}
		line("## 4. Memory");
		line();
		line("Retained heap from class histograms (what `jcmd <pid> GC.class_histogram` prints, taken in-process "
				+ "through the DiagnosticCommand MBean): each histogram first runs a full GC, then counts the live "
				+ "objects of every class. Softly reachable objects count, as they should: Spring Boot keeps its "
				+ "name caches behind soft references, which stay in a running application, and a full GC clears a "
				+ "soft reference only when it has gone unused for as many seconds as the heap has free megabytes "
				+ "(`-XX:SoftRefLRUPolicyMSPerMB`, 1 s by default): far longer than a measure takes. After each "
				+ "histogram the benchmark reads what Boot's caches of the etcd source hold, to show they were "
				+ "counted.");
		line();
		application();
		line("**The store's snapshot.** The difference between a store loaded with "
				+ String.format(Locale.ROOT, "%,d", memory.keys()) + " keys and the same store after its snapshot was "
				+ "replaced by an empty one: same client, same threads, only the snapshot gone.");
		line();
		line("| | Bytes | Per key |");
		line("|---|---:|---:|");
		line(String.format(Locale.ROOT, "| Keys and values as etcd holds them | %,d | %.0f |", memory.keyValueBytes(),
				(double) memory.keyValueBytes() / memory.keys()));
		line(String.format(Locale.ROOT, "| Target: 3× that + 200 B per key | %,.0f | %.0f |",
				memory.targetPerKey() * memory.keys(), memory.targetPerKey()));
		line(String.format(Locale.ROOT, "| **Retained by the store's snapshot** | %,d | **%.0f** |",
				memory.snapshotBytes(), memory.snapshotPerKey()));
		line();
		line("Where the snapshot's bytes go (largest differences by class):");
		line();
		classTable(memory.top(), memory.keys());
	}

	private void application() {
		if (this.run.application().isEmpty()) {
			return;
		}
		line("**The whole application,** as a new user sees it: the probe application running with the keys, "
				+ "less the same application running with no keys, each after it was used: its "
				+ "`@ConfigurationProperties` bean bound at start-up, then a value changed and a name added in etcd "
				+ "and both applied (so the binder and the rebinder ran and Spring Boot built its name caches). Keys "
				+ "of 32 bytes with 14-byte values: 46 bytes of key and value each. One application is started and "
				+ "stopped first, unmeasured, so that what a first start leaves in static caches counts in none.");
		line();
		line("| Keys | Retained, bytes | Per key | Spring Boot's name caches of the etcd source after the GC |");
		line("|---:|---:|---:|---|");
		for (MemoryBenchmark.Application result : this.run.application()) {
			line(String.format(Locale.ROOT, "| %,d | %,d | **%.0f** | %s |", result.keys(), result.bytes(),
					result.perKey(), result.bootCaches()));
		}
		line();
		MemoryBenchmark.Application largest = this.run.application().get(this.run.application().size() - 1);
		line(String.format(Locale.ROOT, "Where the application's bytes go at %,d keys (largest differences by class):",
				largest.keys()));
		line();
		classTable(largest.top(), largest.keys());
	}

	private void classTable(List<MemoryBenchmark.ClassBytes> classes, int keys) {
		line("| Class | Instances | Bytes | Per key |");
		line("|---|---:|---:|---:|");
		for (MemoryBenchmark.ClassBytes type : classes) {
			line(String.format(Locale.ROOT, "| `%s` | %,d | %,d | %.1f |", type.name(), type.instances(), type.bytes(),
					(double) type.bytes() / keys));
		}
		line();
	}

	private void baseline() {
		if (this.run.cells().stream().noneMatch((cell) -> cell.mode() == Mode.FULL_REFRESH)) {
			return;
		}
		line("## 5. Baseline: the stock Spring Cloud refresh");
		line();
		line("The same probe application, refreshed the standard Spring Cloud way, in the same run against the same "
				+ "etcd: `etcd.config.enabled=false` turns etcd-config off entirely (no loader, no watcher, Spring "
				+ "Cloud's own `ConfigurationPropertiesRebinder`), a configuration source in the style of the stock "
				+ "integrations (Consul, Zookeeper) reads all of `/config/` from etcd into a fresh property source "
				+ "each time Spring Cloud runs the environment post-processors, and a bare jetcd watch of "
				+ "`/config/` publishes `new RefreshEvent(...)` for each watch response, from a thread of its own. "
				+ "Spring Cloud's `RefreshEventListener` then calls `ContextRefresher.refresh()`: the environment is "
				+ "rebuilt (etcd read again), every property compared, `EnvironmentChangeEvent` published, every "
				+ "`@ConfigurationProperties` bean rebound and every `@RefreshScope` bean destroyed. (With "
				+ "etcd-config loaded but its watcher off, `etcd.config.watch.enabled=false`, a refresh serves the "
				+ "held snapshot and never sees a change, so that setting cannot be the baseline.) Samples: "
				+ this.run.samples().fullRefresh() + " per cell without a reader thread and "
				+ this.run.samples().fullRefreshWithReader() + " with one, after 30 unrecorded changes; each takes "
				+ "a full refresh, so fewer fit the time, and their p99 is a coarser estimate.");
		line();
	}

	private Optional<Cell> cell(int keys, Mode mode, Probe probe, boolean reader) {
		Predicate<Cell> match = (cell) -> cell.keys() == keys && cell.mode() == mode && cell.probe() == probe
				&& cell.reader() == reader;
		return this.run.cells().stream().filter(match).findFirst();
	}

	// Against the bare-watch samples taken in between the cell's own when there are, else
	// all of that key count's.
	private Optional<Double> floorRatio(Optional<Cell> ours) {
		return ours.flatMap((cell) -> Optional.ofNullable(cell.bareFromPut())
			.or(() -> cell(cell.keys(), Mode.ETCD_CONFIG, Probe.BARE_WATCH, cell.reader()).map(Cell::fromPut))
			.map((bare) -> cell.fromPut().p50() / bare.p50()));
	}

	static String latency(Latency latency) {
		return ms(latency.p50()) + " / " + ms(latency.p99()) + " / " + ms(latency.max());
	}

	private static String runs(Stats.Runs runs) {
		return ms(runs.median()) + " (" + ms(runs.min()) + "–" + ms(runs.max()) + ")";
	}

	static String ms(double millis) {
		double magnitude = Math.abs(millis);
		String format = (magnitude < 10) ? "%.2f" : (magnitude < 100) ? "%.1f" : "%,.0f";
		return String.format(Locale.ROOT, format, millis);
	}

	private static String minutes(Duration duration) {
		return String.format(Locale.ROOT, "%d min %02d s", duration.toMinutes(), duration.toSecondsPart());
	}

	private void line(String text) {
		this.out.append(text).append('\n');
	}

	private void line() {
		this.out.append('\n');
	}

}
