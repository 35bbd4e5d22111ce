package io.github.etcdconfig.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.github.etcdconfig.benchmarks.AnatomyBenchmark.PollerCell;
import io.github.etcdconfig.benchmarks.AnatomyBenchmark.CreationCell;
import io.github.etcdconfig.benchmarks.AnatomyBenchmark.Stage;
import io.github.etcdconfig.benchmarks.AnatomyBenchmark.StageCell;
import io.github.etcdconfig.benchmarks.Apps.Mode;
import io.github.etcdconfig.benchmarks.PropagationBenchmark.Poller;
import io.github.etcdconfig.benchmarks.PropagationBenchmark.Probe;
import io.github.etcdconfig.benchmarks.RecoveryBenchmark.Cell;
import io.github.etcdconfig.benchmarks.RecoveryBenchmark.Fault;
import io.github.etcdconfig.benchmarks.StreamBenchmark.BackToBack;
import io.github.etcdconfig.benchmarks.StreamBenchmark.Rate;
import io.github.etcdconfig.benchmarks.Stats.Latency;

/**
 * The report's parts on streams of changes, recovery after outages and where the time of
 * a change goes: their verdicts and their sections of docs/benchmarks.md.
 */
final class StreamReport {

	/**
	 * "A few requests a second", as the target says it: connections per second while etcd
	 * is down.
	 */
	static final double MAX_CONNECTIONS_PER_SECOND = 5;

	static final int MAX_WARNINGS_PER_MINUTE = 5;

	/**
	 * How much the parts measured.
	 *
	 * @param backToBack recorded changes per back-to-back cell of etcd-config
	 * @param fullRefresh recorded changes of the full refresh back-to-back at 1,000 keys
	 * @param fullRefreshLarge the same at 10,000 keys
	 * @param rateSeconds recorded seconds per fixed rate
	 * @param anatomy changes per cell of section 8
	 * @param outageSeconds the outages' lengths
	 * @param trials trials per length, in the same order
	 */
	record Settings(int backToBack, int fullRefresh, int fullRefreshLarge, double rateSeconds, int anatomy,
			int[] outageSeconds, int[] trials) {
	}

	/**
	 * What the parts measured; a part that did not run is empty.
	 */
	record Results(Settings settings, List<BackToBack> backToBack, List<Rate> rates, List<PollerCell> pollers,
			List<StageCell> stages, CreationCell creation, List<Cell> recovery) {
	}

	private final Results results;

	private final List<String> lines = new ArrayList<>();

	private StreamReport(Results results) {
		this.results = results;
	}

	/**
	 * The rows of the verdict table for the targets of streams and outages.
	 * @param results what was measured
	 * @return the rows, in Markdown
	 */
	static List<String> verdicts(Results results) {
		StreamReport report = new StreamReport(results);
		report.verdicts();
		return report.lines;
	}

	/**
	 * The sections on streams, recovery and where the time goes.
	 * @param results what was measured
	 * @return the sections, in Markdown
	 */
	static List<String> sections(Results results) {
		StreamReport report = new StreamReport(results);
		report.stream();
		report.recovery();
		report.anatomy();
		return report.lines;
	}

	private void verdicts() {
		Optional<BackToBack> scope = backToBack(Benchmarks.STREAM_KEYS, Mode.ETCD_CONFIG, Probe.REFRESH_SCOPE,
				Poller.SPIN);
		verdict("Back-to-back changes, `@RefreshScope` at 1,000 keys, from etcd's acknowledgement: p50 ≤ 1 ms and "
				+ "p99 ≤ 5 ms",
				scope.map((cell) -> "p50 " + Report.ms(cell.fromAck().p50()) + " ms, p99 "
						+ Report.ms(cell.fromAck().p99()) + " ms"),
				scope.map((cell) -> cell.fromAck().p50() <= 1 && cell.fromAck().p99() <= 5));
		Optional<Double> ratio = scope.map((cell) -> cell.fromPut().p50() / cell.bareFromPut().p50());
		verdict("Back-to-back changes, from the start of the put, within 1.3× of the bare jetcd watch with the same "
				+ "writer (p50, against its back-to-back blocks taken in between)",
				ratio.map((value) -> String.format(Locale.ROOT, "%.2f× (%s ms against %s ms)", value,
						Report.ms(scope.get().fromPut().p50()), Report.ms(scope.get().bareFromPut().p50()))),
				ratio.map((value) -> value <= 1.3));
		for (int[] target : new int[][] { { Benchmarks.STREAM_KEYS, 20 }, { Benchmarks.STREAM_LARGE_KEYS, 50 } }) {
			Optional<BackToBack> ours = backToBack(target[0], Mode.ETCD_CONFIG, Probe.REFRESH_SCOPE, Poller.SPIN);
			Optional<BackToBack> full = backToBack(target[0], Mode.FULL_REFRESH, Probe.REFRESH_SCOPE, Poller.SPIN);
			Optional<Double> faster = ours.flatMap((o) -> full.map((f) -> f.fromAck().p50() / o.fromAck().p50()));
			verdict(String.format(Locale.ROOT,
					"Back-to-back changes: at least %d× faster than the full refresh at "
							+ "%,d keys (p50 from the acknowledgement)",
					target[1], target[0]),
					faster.map((value) -> String.format(Locale.ROOT, "%.0f× (%s ms against %s ms; p99 %.0f×)", value,
							Report.ms(ours.get().fromAck().p50()), Report.ms(full.get().fromAck().p50()),
							full.get().fromAck().p99() / ours.get().fromAck().p99())),
					faster.map((value) -> value >= target[1]));
		}
		for (Fault fault : Fault.values()) {
			List<Cell> cells = recovery(fault);
			List<String> measured = new ArrayList<>();
			boolean met = true;
			for (Cell cell : cells) {
				Latency current = cell.current();
				measured.add(seconds(cell.seconds()) + ": "
						+ ((current != null) ? Report.ms(current.p99()) + " ms" : "never")
						+ ((cell.notCurrent() > 0) ? " (" + cell.notCurrent() + " never current)" : ""));
				met &= current != null && cell.notCurrent() == 0 && current.p99() <= 1_000;
			}
			boolean measuredAny = !cells.isEmpty();
			verdict("Current ≤ 1 s (p99 over the trials) after etcd answers again, " + fault.title + " (" + lengths()
					+ ")", measuredAny ? Optional.of(String.join("; ", measured)) : Optional.empty(),
					measuredAny ? Optional.of(met) : Optional.empty());
		}
		List<Cell> all = this.results.recovery();
		if (all.isEmpty()) {
			verdict("While etcd is down, at most a few requests a second per instance (≤ "
					+ (int) MAX_CONNECTIONS_PER_SECOND + " connections a second), with jitter", Optional.empty(),
					Optional.empty());
			verdict("At most " + MAX_WARNINGS_PER_MINUTE + " WARN lines from the starter and jetcd during a 1-minute "
					+ "outage, at default levels", Optional.empty(), Optional.empty());
			return;
		}
		double connections = all.stream().mapToDouble(Cell::connectionsPerSecond).max().orElse(0);
		double bytes = all.stream().mapToDouble(Cell::bytesPerSecond).max().orElse(0);
		double[] intervals = all.stream().flatMapToDouble((cell) -> Arrays.stream(cell.intervals())).sorted().toArray();
		verdict("While etcd is down, at most a few requests a second per instance (≤ "
				+ (int) MAX_CONNECTIONS_PER_SECOND + " connections a second), with jitter",
				Optional.of(String.format(Locale.ROOT,
						"at most %.1f connections/s and %,.0f bytes/s toward etcd " + "(the busiest trial); %s",
						connections, bytes, intervals(intervals))),
				Optional.of(connections <= MAX_CONNECTIONS_PER_SECOND));
		List<Cell> long_ = all.stream().filter((cell) -> cell.seconds() >= 60).toList();
		List<Cell> judged = long_.isEmpty() ? all : long_;
		int perMinute = judged.stream().mapToInt(Cell::mostWarningsPerMinute).max().orElse(0);
		verdict("At most " + MAX_WARNINGS_PER_MINUTE + " WARN lines from the starter and jetcd during a 1-minute "
				+ "outage, at default levels",
				Optional.of(perMinute + " in the worst 60 s of the "
						+ (long_.isEmpty() ? "outages (none lasted a " + "minute in this run)"
								: "outages of a minute or more")
						+ "; at most " + judged.stream().mapToInt(Cell::mostWarnings).max().orElse(0)
						+ " in a whole outage"),
				Optional.of(perMinute <= MAX_WARNINGS_PER_MINUTE));
	}

	private void stream() {
		if (this.results.backToBack().isEmpty() && this.results.rates().isEmpty()) {
			return;
		}
		Settings settings = this.results.settings();
		line("## 6. A stream of changes");
		line();
		line("Changes that follow each other, at " + String.format(Locale.ROOT, "%,d", Benchmarks.STREAM_KEYS)
				+ " keys (the `@RefreshScope` probe also at "
				+ String.format(Locale.ROOT, "%,d", Benchmarks.STREAM_LARGE_KEYS)
				+ "), in the same run and against the same etcd as section 2.");
		line();
		line("**Back-to-back.** The writer puts the next value as soon as the probe returns the previous one, with no "
				+ "pause: a script or a deploy tool that sets keys one after another, waiting for each. Writer, "
				+ "probes and polling are those of section 2. The changes come in blocks of " + StreamBenchmark.BLOCK
				+ "; each block starts after a " + StreamBenchmark.PAUSE_MILLIS + " ms pause, so its first change is "
				+ "isolated and not recorded. After each block of a probe comes a block of " + StreamBenchmark.BLOCK / 2
				+ " of the bare jetcd watch measured the same way (its next put as soon "
				+ "as it saw the previous value), so that both meet etcd at the same moments; *× bare* divides the "
				+ "p50 from the put by that of those blocks. *Refreshes/s* counts `EnvironmentChangeEvent`s (one per "
				+ "refresh, with etcd-config and with the full refresh alike) over the blocks' time; *puts/s* is "
				+ "what the writer achieved. *Parked*: the writer parks between two calls of the probe instead of "
				+ "spinning, which leaves a core to etcd and the application (section 8). *Full refresh* is the "
				+ "baseline of section 5, back-to-back. Recorded changes per cell: " + settings.backToBack()
				+ " (full refresh: " + settings.fullRefresh() + " at 1,000 keys, " + settings.fullRefreshLarge()
				+ " at 10,000); *full ÷* is the full refresh's p50 (and p99) from the acknowledgement divided by "
				+ "this row's.");
		line();
		line("| Keys | Path | Probe | Writer | Samples | From put p50 / p99 / max, ms | From ack p50 / p99 / max, ms "
				+ "| Puts/s | Refreshes/s | × bare | full ÷ |");
		line("|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
		for (int keys : new int[] { Benchmarks.STREAM_KEYS, Benchmarks.STREAM_LARGE_KEYS }) {
			for (Mode mode : List.of(Mode.ETCD_CONFIG, Mode.FULL_REFRESH)) {
				for (Poller poller : Poller.values()) {
					for (Probe probe : Probe.values()) {
						backToBack(keys, mode, probe, poller).ifPresent(this::backToBackRow);
					}
				}
			}
		}
		line();
		if (!this.results.rates().isEmpty()) {
			line("**Fixed rates.** Puts issued on a schedule whatever the application does (open loop): put *i* "
					+ "starts *i*/rate seconds after the first, asynchronously and pipelined on the writer's "
					+ "connection (at most " + String.format(Locale.ROOT, "%,d", StreamBenchmark.MAX_IN_FLIGHT)
					+ " in flight; *most in flight* shows the cap was never reached when it is lower), in turn to "
					+ "the three probes' keys, for " + Report.ms(settings.rateSeconds()) + " s after "
					+ Report.ms(StreamBenchmark.RATE_WARM_UP_SECONDS) + " s that are not recorded. Each put's "
					+ "latency runs to the first `EtcdConfigChangedEvent` whose revision is at or past the put's: "
					+ "the event stamps its own time, and is published once the Environment, the rebound beans, "
					+ "the `@Value` fields and the refreshed scope hold the change. *Bare watch*: a jetcd watch of "
					+ "the same keys, on a client of its own in the same JVM, stamps when it received each revision "
					+ "of the same puts; *× bare* divides the application's p50 from the put by the bare watch's. "
					+ "*Refreshes/s* counts `EtcdConfigChangedEvent`s over the recorded seconds.");
			line();
			line("| Rate, puts/s | Issued, puts/s | Puts recorded | Most in flight | From put p50 / p99 / max, ms "
					+ "| From ack p50 / p99 / max, ms | Refreshes/s | Bare watch from put p50 / p99, ms "
					+ "| Bare watch from ack p50 / p99, ms | × bare |");
			line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
			for (Rate rate : this.results.rates()) {
				line(String.format(Locale.ROOT,
						"| %,d | %,.0f | %,d | %,d | %s | %s | %.0f | %s / %s | %s / %s | %.2f |", rate.rate(),
						rate.putsPerSecond(), rate.puts(), rate.maxInFlight(), Report.latency(rate.fromPut()),
						Report.latency(rate.fromAck()), rate.refreshesPerSecond(), Report.ms(rate.bareFromPut().p50()),
						Report.ms(rate.bareFromPut().p99()), Report.ms(rate.bareFromAck().p50()),
						Report.ms(rate.bareFromAck().p99()), rate.fromPut().p50() / rate.bareFromPut().p50()));
			}
			line();
		}
		line("The 2,000-put burst is section 3's, measured with the same policy in the same run.");
		line();
		line("![Streams and recovery](" + StreamChart.FILE + ")");
		line();
	}

	private void backToBackRow(BackToBack cell) {
		String path = (cell.probe() == Probe.BARE_WATCH) ? "floor"
				: (cell.mode() == Mode.ETCD_CONFIG) ? "etcd-config" : "full refresh";
		String bare = (cell.probe() == Probe.BARE_WATCH) ? "1"
				: Optional.ofNullable(cell.bareFromPut())
					.or(() -> backToBack(cell.keys(), Mode.ETCD_CONFIG, Probe.BARE_WATCH, cell.poller())
						.map(BackToBack::fromPut))
					.map((floor) -> String.format(Locale.ROOT, "%.2f", cell.fromPut().p50() / floor.p50()))
					.orElse("–");
		String full = "–";
		if (cell.mode() == Mode.ETCD_CONFIG && cell.probe() == Probe.REFRESH_SCOPE && cell.poller() == Poller.SPIN) {
			full = backToBack(cell.keys(), Mode.FULL_REFRESH, cell.probe(), cell.poller())
				.map((f) -> String.format(Locale.ROOT, "%.0f / %.0f", f.fromAck().p50() / cell.fromAck().p50(),
						f.fromAck().p99() / cell.fromAck().p99()))
				.orElse("–");
		}
		line(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %d%s | %s | %s | %.0f | %s | %s | %s |", cell.keys(),
				path, cell.probe().title, cell.poller().title, cell.fromPut().samples(),
				(cell.lost() > 0) ? " (" + cell.lost() + " lost)" : "", Report.latency(cell.fromPut()),
				Report.latency(cell.fromAck()), cell.putsPerSecond(), (cell.probe() == Probe.BARE_WATCH) ? "–"
						: String.format(Locale.ROOT, "%.0f", cell.refreshesPerSecond()),
				bare, full));
	}

	private void recovery() {
		if (this.results.recovery().isEmpty()) {
			return;
		}
		line("## 7. Recovery after an outage");
		line();
		line("The probe application with " + String.format(Locale.ROOT, "%,d", RecoveryBenchmark.KEYS) + " keys and "
				+ "the default settings, on an etcd of its own that this part starts, reaches etcd through a TCP "
				+ "proxy (`TcpProxy` of `etcd-config-test`) in every case; the benchmark itself talks to etcd "
				+ "directly, each time over a new connection. The faults:");
		line();
		for (Fault fault : Fault.values()) {
			line("- **" + fault.title + "**: " + fault.description + ".");
		}
		line();
		line("Each outage leaves changes the application has not seen. Before a kill or a stop, ten puts and a "
				+ "delete under `" + RecoveryBenchmark.PREFIX + "` are made and acknowledged, and the fault follows at "
				+ "once, so etcd may not have sent them to the watch yet. During a cut, the same changes are made "
				+ "after the cut, and etcd's history is then compacted past them, so the application's watch cannot "
				+ "resume and it must read everything again. In every case, a marker key is put as soon as etcd "
				+ "answers again.");
		line();
		line("*Current after* runs from the moment etcd answers again to the `EtcdConfigChangedEvent` that applied the "
				+ "marker's revision (the event stamps its own time); the Environment is then checked to hold every "
				+ "change, the delete included. *etcd answers again*: for a cut, when the line is restored (etcd "
				+ "answered throughout); for a kill or a stop, when etcd first answers a read sent directly to it, one "
				+ "every 10 ms, each on a new connection, started when etcd is started again or sent SIGCONT. "
				+ "Percentiles are over the trials (nearest rank: with fewer than 100 trials, the p99 is the slowest). "
				+ "*Connections/s* and *bytes/s* are what the application opened and sent toward etcd through the "
				+ "proxy during the outage (connections reset at once or refused by a dead etcd included), for the "
				+ "trial that opened or sent most; *between connections* is the time between two of them, over every "
				+ "trial of the row (the proxy's counter is read every millisecond). *WARN lines* are the WARN and "
				+ "ERROR lines that loggers of the starter (`io.github.etcdconfig`), jetcd (`io.etcd.jetcd`) and its "
				+ "transport (`io.grpc`, `io.vertx`, `io.netty`) logged from the fault until a second after the "
				+ "application was current, for the trial that logged most, and in brackets the most within any 60 "
				+ "s. Between two outages the application is left to settle: it watches every range, holds etcd's "
				+ "latest values, then 2 s pass. Lengths run in order, the kinds in turn within each round; trials: "
				+ trialCounts() + ".");
		line();
		line("| Fault | Outage | Trials | Current after p50 / p99 / max, ms | Connections/s | Bytes/s toward etcd "
				+ "| Between connections min / median / max, ms | WARN lines (in 60 s) |");
		line("|---|---:|---:|---:|---:|---:|---:|---:|");
		for (Fault fault : Fault.values()) {
			for (Cell cell : recovery(fault)) {
				Latency current = cell.current();
				double[] intervals = cell.intervals();
				line(String.format(Locale.ROOT, "| %s | %s | %d | %s%s | %.1f | %,.0f | %s | %d (%d) |", fault.title,
						seconds(cell.seconds()), cell.trials().size(),
						(current != null) ? Report.latency(current) : "–",
						(cell.notCurrent() > 0) ? "; " + cell.notCurrent() + " not current within 1 min" : "",
						cell.connectionsPerSecond(), cell.bytesPerSecond(),
						(intervals.length == 0) ? "–"
								: Report.ms(intervals[0]) + " / " + Report.ms(intervals[intervals.length / 2]) + " / "
										+ Report.ms(intervals[intervals.length - 1]),
						cell.mostWarnings(), cell.mostWarningsPerMinute()));
			}
		}
		line();
		line("What was logged, over every trial of each kind (numbers shown as `#`):");
		line();
		line("| Fault | Lines | Level and logger | Message |");
		line("|---|---:|---|---|");
		boolean any = false;
		for (Fault fault : Fault.values()) {
			Map<String, Long> shapes = recovery(fault).stream()
				.flatMap((cell) -> cell.trials().stream())
				.flatMap((trial) -> trial.warnings().stream())
				.collect(Collectors.groupingBy(
						(line) -> line.level() + " `" + line.logger() + "` | " + line.shape().replace("|", "\\|"),
						LinkedHashMap::new, Collectors.counting()));
			for (Map.Entry<String, Long> shape : shapes.entrySet()) {
				line("| " + fault.title + " | " + shape.getValue() + " | " + shape.getKey() + " |");
				any = true;
			}
		}
		if (!any) {
			line("| – | 0 | – | nothing |");
		}
		line();
	}

	private void anatomy() {
		if (this.results.pollers().isEmpty() && this.results.stages().isEmpty()) {
			return;
		}
		line("## 8. Where the time of an isolated change goes");
		line();
		line("The `@RefreshScope` probe at " + String.format(Locale.ROOT, "%,d", Benchmarks.STREAM_KEYS) + " keys, "
				+ "isolated changes (" + PropagationBenchmark.GAP_MILLIS + " ms apart), "
				+ this.results.settings().anatomy()
				+ " per row, in the same run. **The writer:** section 2's writer spins between two calls "
				+ "of the probe, and so holds one of the two cores; *parked* parks instead for "
				+ PropagationBenchmark.POLL_NANOS / 1000
				+ " µs, which Linux stretches by its timer slack (about 50 µs), "
				+ "and leaves the core to etcd and the application. Each row has the bare watch sampled in between, "
				+ "as in section 2.");
		line();
		line("| Writer | From put p50, ms | Bare watch from put p50, ms | × bare | From ack p50 / p99 / max, ms "
				+ "| Bare watch from ack p50 / p99 / max, ms |");
		line("|---|---:|---:|---:|---:|---:|");
		for (PollerCell cell : this.results.pollers()) {
			line(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %s | %s |", cell.poller().title,
					Report.ms(cell.fromPut().p50()), Report.ms(cell.bareFromPut().p50()),
					cell.fromPut().p50() / cell.bareFromPut().p50(), Report.latency(cell.fromAck()),
					Report.latency(cell.bareFromAck())));
		}
		line();
		threads();
		stages();
		creation();
	}

	private void threads() {
		if (this.results.pollers().isEmpty()) {
			return;
		}
		line("Where the CPUs went meanwhile, from Linux's scheduler statistics (`/proc/<pid>/task/<tid>/schedstat`) "
				+ "read before and after each row: per group of threads (named without their numbers; etcd's as one), "
				+ "microseconds on a CPU and microseconds spent runnable but waiting for a CPU, per change (the bare "
				+ "watch's included). Groups under " + (int) AnatomyBenchmark.MIN_MICROS
				+ " µs per change are left out.");
		line();
		columns("Threads",
				this.results.pollers()
					.stream()
					.map((cell) -> cell.poller().title + ": on a CPU / waiting, µs per change")
					.toList());
		List<String> groups = this.results.pollers()
			.stream()
			.flatMap((cell) -> cell.threads().keySet().stream())
			.distinct()
			.sorted()
			.toList();
		for (String group : groups) {
			StringBuilder row = new StringBuilder("| `" + group + "` |");
			for (PollerCell cell : this.results.pollers()) {
				double[] used = cell.threads().getOrDefault(group, new double[2]);
				row.append(String.format(Locale.ROOT, " %.0f / %.0f |", used[0], used[1]));
			}
			line(row.toString());
		}
		line();
	}

	private void stages() {
		if (this.results.stages().isEmpty()) {
			return;
		}
		line("**The stages.** The same changes again, each stamped on its way. Two more watches of the probe's "
				+ "key stamp when they receive each put: one on a client of its own (the bare watch's receipt of "
				+ "the very same put) and one on the application's own jetcd client (when the application's "
				+ "connection had it, as near as can be told from outside the watcher). The probe application "
				+ "stamps when its first `EnvironmentChangeEvent` listener runs and when the `@RefreshScope` bean "
				+ "is refreshed. The two watches add work to jetcd's threads, so these changes are not those of "
				+ "the rows above. Medians do not add up; means do.");
		line();
		columns("Stage",
				this.results.stages()
					.stream()
					.map((cell) -> cell.poller().title + ", p50 / mean, ms (" + cell.samples() + " changes)")
					.toList());
		for (Stage stage : Stage.values()) {
			StringBuilder row = new StringBuilder("| " + stage.title + " |");
			for (StageCell cell : this.results.stages()) {
				row.append(" ")
					.append(Report.ms(cell.stages().get(stage).p50()))
					.append(" / ")
					.append(Report.ms(cell.means().get(stage)))
					.append(" |");
			}
			line(row.toString());
		}
		line();
	}

	private void creation() {
		CreationCell creation = this.results.creation();
		if (creation == null) {
			return;
		}
		line("**Spring's re-creation of the bean, on its own.** With no change in etcd, the writer refreshes the "
				+ "probe's bean by name (`RefreshScope.refresh`) and calls it once, " + creation.afterPause().samples()
				+ " times after sleeping " + PropagationBenchmark.GAP_MILLIS + " ms, as between isolated changes, and "
				+ creation.inARow().samples() + " times in a row: the CPU time of the call that creates the bean. "
				+ "Creating a bean runs much of Spring's code (the factory method's `@Value` parameter resolved "
				+ "through every property source, the post-processors), which a pause leaves cold.");
		line();
		line("| Creation | CPU time of the call p50 / p99 / max, ms |");
		line("|---|---:|");
		line("| after a " + PropagationBenchmark.GAP_MILLIS + " ms pause | " + Report.latency(creation.afterPause())
				+ " |");
		line("| in a row | " + Report.latency(creation.inARow()) + " |");
		line();
	}

	/** A table's header: a first column, then one right-aligned column per title. */
	private void columns(String first, List<String> titles) {
		line("| " + first + " | " + String.join(" | ", titles) + " |");
		line("|---|" + "---:|".repeat(titles.size()));
	}

	private Optional<BackToBack> backToBack(int keys, Mode mode, Probe probe, Poller poller) {
		return this.results.backToBack()
			.stream()
			.filter((cell) -> cell.keys() == keys && cell.mode() == mode && cell.probe() == probe
					&& cell.poller() == poller)
			.findFirst();
	}

	private List<Cell> recovery(Fault fault) {
		return this.results.recovery().stream().filter((cell) -> cell.fault() == fault).toList();
	}

	private String lengths() {
		return Arrays.stream(this.results.settings().outageSeconds())
			.mapToObj(StreamReport::seconds)
			.collect(Collectors.joining(", "));
	}

	private String trialCounts() {
		int[] seconds = this.results.settings().outageSeconds();
		int[] trials = this.results.settings().trials();
		List<String> counts = new ArrayList<>();
		for (int i = 0; i < seconds.length; i++) {
			counts.add(trials[Math.min(i, trials.length - 1)] + " of " + seconds(seconds[i]));
		}
		return String.join(", ", counts);
	}

	static String seconds(int seconds) {
		return (seconds >= 60 && seconds % 60 == 0) ? (seconds / 60) + " min" : seconds + " s";
	}

	private static String intervals(double[] sorted) {
		if (sorted.length == 0) {
			return "no connection during the outages";
		}
		return "between two connections " + Report.ms(sorted[0]) + " to " + Report.ms(sorted[sorted.length - 1])
				+ " ms (median " + Report.ms(sorted[sorted.length / 2]) + ")";
	}

	private void verdict(String target, Optional<String> measured, Optional<Boolean> met) {
		this.lines.add(Report.verdictRow(target, measured, met));
	}

	private void line(String text) {
		this.lines.add(text);
	}

	private void line() {
		this.lines.add("");
	}

}
