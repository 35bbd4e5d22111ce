package io.github.etcdconfig.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.github.etcdconfig.benchmarks.ScaleBenchmark.Settings;
import io.github.etcdconfig.benchmarks.ScaleUsage.Member;
import io.github.etcdconfig.benchmarks.Stats.Latency;
import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdMember;
import org.jspecify.annotations.Nullable;

/**
 * One cell of the scale benchmark: N instances of one kind against a fresh 3-member etcd
 * cluster, so that each cell's etcd memory starts from the same state. The instances live
 * in a few node JVMs ({@link ScaleNode}); this JVM writes, and reads what etcd and the
 * nodes use.
 */
final class ScaleCell {

	/** The storm reads this prefix; no instance watches it. */
	static final String STORM_PREFIX = "/scale/storm/";

	private static final Duration AWAIT = Duration.ofSeconds(60);

	/** What an instance is. */
	enum Mode {

		/** A bare jetcd watch of {@code /config/}: the floor. */
		BARE("bare"),

		/**
		 * jetcd watches of the key ranges the starter watches, with its watch options:
		 * what etcd and the network carry for a starter instance, without the
		 * per-instance work (a thread's wake-up, the snapshot) that each real instance
		 * does on its own CPU and that this simulation multiplies on two cores.
		 */
		WATCHES("watches"),

		/** The starter's store and watcher over the default layout. */
		STARTER("starter"),

		/** The same, through etcd's gRPC proxies. */
		PROXIED("starter"),

		/**
		 * The floor's bare watches through the same proxies: what the proxies' hop costs
		 * jetcd alone, beside what it costs the starter.
		 */
		BARE_PROXIED("bare");

		final String command;

		Mode(String command) {
			this.command = command;
		}

		/**
		 * The same kind of instance connected to the members.
		 * @return the direct mode; this mode when it is direct
		 */
		Mode direct() {
			return switch (this) {
				case PROXIED -> STARTER;
				case BARE_PROXIED -> BARE;
				default -> this;
			};
		}

		boolean isProxied() {
			return direct() != this;
		}

	}

	/**
	 * What one cell measured; parts that were not run are {@code null}.
	 *
	 * @param instances how many instances
	 * @param mode what an instance is
	 * @param nodes how many node JVMs held them
	 * @param baseline the members before any instance connected
	 * @param connected the members once every instance had connected and read
	 * @param watching the members once every instance watched
	 * @param connectMillis time for every instance to connect and read (the starter:
	 * load) in parallel, 8 per node
	 * @param startFailures connects or loads that failed and were started again
	 * @param watchMillis time until etcd had confirmed every watch
	 * @param nodeThreads live threads of all node JVMs while watching
	 * @param nodeHeap heap the node JVMs used after a full GC while watching, bytes
	 * @param clockSkewMicros the largest gap seen between this JVM's clock and a node's
	 * (an upper bound)
	 * @param proxiesRss resident memory of the gRPC proxies while watching, all together,
	 * bytes; 0 without
	 * @param idle etcd and the nodes with nothing written
	 * @param propagation puts to every instance
	 * @param storm every instance loading at once
	 * @param fileStorm every instance starting at once from its snapshot file
	 * @param recoveries member restarts and the whole cluster's outage
	 */
	record Result(int instances, Mode mode, int nodes, List<Member> baseline, List<Member> connected,
			List<Member> watching, long connectMillis, int startFailures, long watchMillis, long nodeThreads,
			long nodeHeap, long clockSkewMicros, long proxiesRss, Idle idle, Propagation propagation, Storm storm,
			FileStorm fileStorm, List<Recovery> recoveries) {
	}

	/**
	 * CPU with nothing written, in percent of one core.
	 *
	 * @param seconds the window
	 * @param etcdMean each member's mean
	 * @param etcdPeak each member's busiest second
	 * @param nodesMean all node JVMs together
	 * @param proxiesMean all gRPC proxies together
	 * @param nodesByThread all node JVMs together by thread group (thread names without
	 * their trailing numbers, from {@link SchedStats}), percent of a core, largest first
	 */
	record Idle(int seconds, double[] etcdMean, double[] etcdPeak, double nodesMean, double proxiesMean,
			Map<String, Double> nodesByThread) {

		/**
		 * The node JVMs' idle CPU without their JIT compiler threads: the idle window
		 * comes right after the instances started watching, and code that first runs in
		 * it (the liveness check's, whose first round falls in the window) is compiled
		 * then. That is a warm-up, which each real instance pays once, not an idle cost.
		 * @return percent of a core
		 */
		double nodesMeanWithoutCompiler() {
			return this.nodesMean - this.nodesByThread.entrySet()
				.stream()
				.filter((group) -> group.getKey().contains("CompilerT") || group.getKey().startsWith("Sweeper"))
				.mapToDouble(Map.Entry::getValue)
				.sum();
		}

	}

	/**
	 * Puts that every instance receives, one at a time.
	 *
	 * @param last from etcd's acknowledgement until the last instance held the value
	 * @param median from the acknowledgement until half of the instances held it
	 * @param lastFromPut from the start of the put until the last instance held it
	 * @param lost instance arrivals missing after {@link #AWAIT}
	 * @param etcdCpuPerPut each member's CPU per put, ms
	 * @param nodesCpuPerPut the node JVMs' CPU per put, ms
	 * @param sentPerPut bytes each member sent to clients per put
	 * @param proxiesCpuPerPut the gRPC proxies' CPU per put, ms
	 * @param windowNanos how long the recorded puts took, pauses included
	 */
	record Propagation(Latency last, Latency median, Latency lastFromPut, int lost, double[] etcdCpuPerPut,
			double nodesCpuPerPut, double[] sentPerPut, double proxiesCpuPerPut, long windowNanos) {

		/**
		 * Each member's CPU per put with what it used while idle over the same window
		 * taken off: the starter's puts last longer (each waits for the last instance),
		 * so more of its background work (liveness checks, raft heartbeats) falls into
		 * each put's share of the raw figure.
		 * @param idle the same cell's idle window
		 * @return ms per put, per member
		 */
		double[] etcdCpuPerPutAboveIdle(Idle idle) {
			double[] above = new double[this.etcdCpuPerPut.length];
			int puts = this.last.samples();
			for (int i = 0; i < above.length; i++) {
				double idleMillis = (i < idle.etcdMean().length)
						? idle.etcdMean()[i] / 100 * this.windowNanos / 1e6 / puts : 0;
				above[i] = this.etcdCpuPerPut[i] - idleMillis;
			}
			return above;
		}

	}

	/**
	 * Every instance loads at once.
	 *
	 * @param keys keys each instance read
	 * @param failures failed reads that the start-up retries repeated
	 * @param gaveUp instances whose start-up retries gave up: they would fail to start
	 * @param load each instance's load time
	 * @param spanMillis from the first start to the last end
	 * @param putsBefore put latency in the {@link #STORM_BASELINE} before
	 * @param putsDuring put latency during the storm
	 * @param etcdCpu each member's CPU during the storm, percent of a core
	 * @param nodesCpu the node JVMs' CPU during the storm, percent of a core
	 * @param sentBytes bytes each member sent during the storm
	 */
	record Storm(int keys, int failures, int gaveUp, Latency load, double spanMillis, Latency putsBefore,
			Latency putsDuring, double[] etcdCpu, double nodesCpu, long[] sentBytes) {
	}

	/**
	 * Every instance starts again at once from its snapshot file after a few keys of the
	 * storm's range changed.
	 *
	 * @param keys keys in the range
	 * @param changed keys changed since the files were written
	 * @param ready each ready instance's start-up time
	 * @param lastReadyMillis from the first start to the last instance ready
	 * @param fromHistory instances that read etcd's history since their file
	 * @param fullReads instances that read every key instead
	 * @param notReady instances that failed, or started without etcd's values
	 * @param etcdCpuMillis each member's CPU during the storm, ms
	 * @param etcdCpuPerFullLoad each member's CPU per full load of the range, ms, from
	 * the loads that wrote the files
	 * @param nodesCpu the node JVMs' CPU during the storm, percent of a core
	 */
	record FileStorm(int keys, int changed, Latency ready, double lastReadyMillis, int fromHistory, int fullReads,
			int notReady, double[] etcdCpuMillis, double[] etcdCpuPerFullLoad, double[] etcdCpuMillisAboveIdle,
			double[] etcdCpuPerFullLoadAboveIdle, double nodesCpu) {

		/** Full loads the target allows the storm's etcd CPU. */
		static final int TARGET_FULL_LOADS = 100;

		/**
		 * The storm's etcd CPU, all members, as a share of {@value #TARGET_FULL_LOADS}
		 * full loads'.
		 * @return the ratio; at most 1 meets the target
		 */
		double ofTargetFullLoads() {
			return Arrays.stream(this.etcdCpuMillis).sum()
					/ (Arrays.stream(this.etcdCpuPerFullLoad).sum() * TARGET_FULL_LOADS);
		}

		/**
		 * The same ratio with what the members use while idle (raft's heartbeats) taken
		 * off both sides, at the rate measured right before the storm: the storm lasts
		 * far longer than the loads it is held against, so the raw ratio counts more idle
		 * time on its side.
		 * @return the ratio above idle; at most 1 meets the target
		 */
		double ofTargetFullLoadsAboveIdle() {
			return Arrays.stream(this.etcdCpuMillisAboveIdle).sum()
					/ (Arrays.stream(this.etcdCpuPerFullLoadAboveIdle).sum() * TARGET_FULL_LOADS);
		}

	}

	/** Seconds the members are watched idle before the storm from files. */
	private static final int IDLE_SECONDS = 10;

	/** Keys of the storm's range that change before the start from the snapshot files. */
	static final int FILE_STORM_CHANGES = 10;

	/**
	 * One disturbance and how the instances came through it; {@code NaN} for what was not
	 * measured.
	 *
	 * @param what what was done
	 * @param downMillis from the stop until etcd answered again (the restarted member, or
	 * the cluster with a leader)
	 * @param disturbed instances whose watch broke
	 * @param watchingAgainMillis until the last disturbed instance watched again: from
	 * the stop for a member, from the start command for the whole cluster
	 * @param longestGapMillis the longest time one instance did not watch
	 * @param currentMillis from the acknowledgement of a put made right after etcd
	 * answered again until every instance held it
	 * @param lost instances that did not hold it after {@link #AWAIT}
	 * @param nodesCpuWhileDown the node JVMs' CPU while etcd was down, percent of a core:
	 * what the retries cost
	 * @param etcdCpuAfter each member's CPU from its return until every instance watched
	 * and was current, ms
	 */
	record Recovery(String what, double downMillis, int disturbed, int notWatching, double watchingAgainMillis,
			double longestGapMillis, double currentMillis, int lost, double nodesCpuWhileDown, double[] etcdCpuAfter) {
	}

	static final Duration STORM_BASELINE = Duration.ofSeconds(10);

	private final Settings settings;

	private final int instances;

	private final Mode mode;

	private final Path logs;

	private EtcdCluster etcd;

	private @Nullable ScaleProfiles profiles;

	private Client client;

	private KV writer;

	private ScaleNodes nodes;

	private List<Long> proxies = List.of();

	private long sequence;

	ScaleCell(Settings settings, int instances, Mode mode, Path logs) {
		this.settings = settings;
		this.instances = instances;
		this.mode = mode;
		this.logs = logs;
	}

	Result run() throws Exception {
		EtcdCluster.Builder builder = EtcdCluster.builder()
			.members(3)
			// etcd's default; the test launcher's 1 s would send every watcher a
			// notification a second.
			.arg("--experimental-watch-progress-notify-interval=10m");
		Path pprof = this.settings.pprof();
		ScaleProfiles profiles = null;
		if (pprof != null) {
			builder.arg(ScaleProfiles.FLAG);
			profiles = new ScaleProfiles(pprof, this.instances + "-" + this.mode.name().toLowerCase(Locale.ROOT),
					this.settings.pprofGc());
		}
		this.profiles = profiles;
		try (EtcdCluster etcd = builder.build().start(); Client writer = etcd.newClient()) {
			this.etcd = etcd;
			this.client = writer;
			this.writer = writer.getKVClient();
			fill();
			pause(Duration.ofSeconds(3));
			List<Member> baseline = ScaleUsage.sample(etcd);
			int count = Math.min(this.settings.jvms(), this.instances);
			try (ScaleProxies proxies = ScaleProxies.start(this.mode.isProxied() ? this.settings.proxies() : 0, etcd);
					ScaleNodes nodes = ScaleNodes.start(count,
							proxies.isEmpty() ? etcd.endpointsProperty() : proxies.endpointsProperty(),
							this.settings.nodeHeap(), this.settings.nodeNice(), this.settings.instanceSettings(),
							this.logs)) {
				this.nodes = nodes;
				this.proxies = proxies.pids();
				int per = (this.instances + count - 1) / count;
				List<String[]> started = nodes.call((i) -> "start " + this.mode.command + " " + (i * per) + " "
						+ (Math.min(this.instances, (i + 1) * per) - i * per) + " " + this.settings.applications());
				long skew = clockSkew();
				long connectMillis = max(started, 1);
				int startFailures = (int) started.stream().mapToLong((reply) -> Long.parseLong(reply[2])).sum();
				pause(Duration.ofSeconds(2));
				List<Member> connected = ScaleUsage.sample(etcd);
				if (profiles != null) {
					profiles.save("connected", etcd);
				}
				long watchMillis = max(nodes.call("watch"), 1);
				pause(Duration.ofSeconds(3));
				List<Member> watching = ScaleUsage.sample(etcd);
				if (profiles != null) {
					profiles.save("watching", etcd);
					if (!this.settings.settle().isZero()) {
						profiles.settle(etcd, Duration.ofSeconds(10), this.settings.settle());
						profiles.save("settled", etcd);
					}
				}
				long proxiesRss = this.proxies.stream().mapToLong(ScaleUsage::rss).sum();
				List<String[]> threadsAndHeap = nodes.call("threads");
				long threads = threadsAndHeap.stream().mapToLong((reply) -> Long.parseLong(reply[1])).sum();
				long heap = threadsAndHeap.stream().mapToLong((reply) -> Long.parseLong(reply[2])).sum();
				log("watching (connect %d ms with %d failed attempts, watch %d ms, %d node threads, %d KB heap per "
						+ "instance)", connectMillis, startFailures, watchMillis, threads,
						heap / 1024 / this.instances);
				Idle idle = idle();
				Propagation propagation = this.settings.runs("latency") ? propagate() : null;
				Storm storm = null;
				FileStorm fileStorm = null;
				List<Recovery> recoveries = new ArrayList<>();
				if (this.mode == Mode.STARTER) {
					if (this.settings.runs("storm")) {
						storm = storm();
						fileStorm = fileStorm();
						// The restarts start from a cluster that has served the storm,
						// with every instance watching.
						this.nodes.call("track");
						this.nodes.call("settled 1000 120000");
					}
					if (this.settings.runs("restart")) {
						recoveries.add(restart(false));
						recoveries.add(restart(true));
					}
				}
				if (this.settings.runs("outage") && (this.mode == Mode.BARE || this.mode == Mode.STARTER)) {
					recoveries.add(outage());
				}
				nodes.call("stop");
				return new Result(this.instances, this.mode, count, baseline, connected, watching, connectMillis,
						startFailures, watchMillis, threads, heap, skew, proxiesRss, idle, propagation, storm,
						fileStorm, recoveries);
			}
		}
	}

	private void fill() {
		new Keys(this.client).ensure(this.settings.sharedKeys());
		List<CompletableFuture<?>> puts = new ArrayList<>();
		for (int app = 0; app < this.settings.applications(); app++) {
			for (int key = 0; key < this.settings.applicationKeys(); key++) {
				puts.add(this.writer.put(Keys.bytes("/config-apps/app" + app + "/app/k" + key), Keys.bytes("v" + key)));
			}
		}
		for (int key = 0; key < this.settings.stormKeys(); key++) {
			puts.add(this.writer.put(Keys.bytes(stormKey(key)), Keys.bytes(Keys.value(key))));
			if (puts.size() == 1_000) {
				puts.forEach(Keys::await);
				puts.clear();
			}
		}
		puts.add(this.writer.put(Keys.bytes(ScaleInstance.PROBE_KEY), Keys.bytes("0")));
		puts.forEach(Keys::await);
	}

	private static String stormKey(int key) {
		return String.format("%sg%03d/k%05d", STORM_PREFIX, key / 100, key);
	}

	// nanoTime is CLOCK_MONOTONIC on Linux, one clock for every process of the machine;
	// this checks it.
	private long clockSkew() throws IOException {
		long worst = 0;
		for (int round = 0; round < 3; round++) {
			long before = System.nanoTime();
			List<String[]> replies = this.nodes.call("clock");
			long after = System.nanoTime();
			for (String[] reply : replies) {
				long node = Long.parseLong(reply[1]);
				if (node < before || node > after) {
					throw new IllegalStateException("A node's System.nanoTime() is not this JVM's clock: " + node
							+ " outside [" + before + ", " + after + "]");
				}
			}
			worst = Math.max(worst, after - before);
		}
		return TimeUnit.NANOSECONDS.toMicros(worst);
	}

	private Idle idle() throws InterruptedException {
		pause(this.settings.idleWarmUp());
		int seconds = (int) this.settings.idle().toSeconds();
		List<Member> members = ScaleUsage.sample(this.etcd);
		double[] mean = new double[members.size()];
		double[] peak = new double[members.size()];
		long nodesStart = nodesCpu();
		Map<String, long[]> threadsStart = nodeThreads();
		long proxiesStart = cpu(this.proxies);
		long start = System.nanoTime();
		List<Member> previous = members;
		for (int second = 0; second < seconds; second++) {
			pause(Duration.ofSeconds(1));
			List<Member> now = ScaleUsage.sample(this.etcd);
			for (int i = 0; i < mean.length; i++) {
				peak[i] = Math.max(peak[i],
						percent(now.get(i).cpuNanos() - previous.get(i).cpuNanos(), TimeUnit.SECONDS.toNanos(1)));
			}
			previous = now;
		}
		long elapsed = System.nanoTime() - start;
		for (int i = 0; i < mean.length; i++) {
			mean[i] = percent(previous.get(i).cpuNanos() - members.get(i).cpuNanos(), elapsed);
		}
		Map<String, Double> byThread = new LinkedHashMap<>();
		Map<String, long[]> threadsEnd = nodeThreads();
		threadsEnd.entrySet()
			.stream()
			.map((group) -> Map.entry(group.getKey(),
					percent(group.getValue()[0] - threadsStart.getOrDefault(group.getKey(), new long[3])[0], elapsed)))
			.sorted(Map.Entry.<String, Double>comparingByValue().reversed())
			.forEach((group) -> byThread.put(group.getKey(), group.getValue()));
		Idle idle = new Idle(seconds, mean, peak, percent(nodesCpu() - nodesStart, elapsed),
				percent(cpu(this.proxies) - proxiesStart, elapsed), byThread);
		log("idle: etcd %s %% of a core (busiest second %s), nodes %.1f %% (%.1f %% without the JIT compiler)",
				Arrays.toString(round(mean)), Arrays.toString(round(peak)), idle.nodesMean(),
				idle.nodesMeanWithoutCompiler());
		log("idle nodes by thread: %s",
				byThread.entrySet()
					.stream()
					.filter((group) -> group.getValue() >= 0.05)
					.map((group) -> String.format("%s %.2f %%", group.getKey(), group.getValue()))
					.toList());
		return idle;
	}

	private Propagation propagate() throws Exception {
		int puts = this.settings.puts();
		long[] last = new long[puts];
		long[] median = new long[puts];
		long[] lastFromPut = new long[puts];
		int lost = 0;
		List<Member> before = null;
		long nodesBefore = 0;
		long proxiesBefore = 0;
		long windowStart = 0;
		CompletableFuture<?> cpuProfile = null;
		int profiled = 0;
		for (int i = -this.settings.warmUpPuts(); i < puts; i++) {
			if (i == 0) {
				windowStart = System.nanoTime();
				before = ScaleUsage.sample(this.etcd);
				nodesBefore = nodesCpu();
				proxiesBefore = cpu(this.proxies);
				if (this.profiles != null) {
					cpuProfile = this.profiles.cpu("puts", this.etcd, ScaleProfiles.PUTS_CPU);
				}
			}
			Put put = put();
			if (i >= 0 && System.nanoTime() - windowStart <= ScaleProfiles.PUTS_CPU.toNanos()) {
				profiled++;
			}
			long[] arrivals = put.arrivals();
			int missing = (int) Arrays.stream(arrivals).filter((arrival) -> arrival == 0).count();
			Arrays.sort(arrivals);
			if (i >= 0) {
				lost += missing;
				last[i] = arrivals[arrivals.length - 1] - put.ack();
				median[i] = arrivals[missing + (arrivals.length - missing) / 2] - put.ack();
				lastFromPut[i] = arrivals[arrivals.length - 1] - put.start();
			}
			// Isolated changes: a random gap, longer than the starter's coalescing
			// window.
			pause(Duration.ofMillis(20 + ThreadLocalRandom.current().nextInt(20)));
		}
		List<Member> after = ScaleUsage.sample(this.etcd);
		long window = System.nanoTime() - windowStart;
		if (cpuProfile != null) {
			cpuProfile.get(1, TimeUnit.MINUTES);
			log("etcd CPU profiles over the first %d s of the puts: %d puts", ScaleProfiles.PUTS_CPU.toSeconds(),
					profiled);
		}
		double nodesCpu = (nodesCpu() - nodesBefore) / 1e6 / puts;
		Propagation propagation = new Propagation(Latency.of(last, puts), Latency.of(median, puts),
				Latency.of(lastFromPut, puts), lost, perMember(before, after, Member::cpuNanos, 1e6 * puts), nodesCpu,
				perMember(before, after, Member::sentBytes, puts), (cpu(this.proxies) - proxiesBefore) / 1e6 / puts,
				window);
		log("last instance after the ack: p50 %.2f ms, p99 %.2f ms; median instance p50 %.2f ms; lost %d",
				propagation.last().p50(), propagation.last().p99(), propagation.median().p50(), lost);
		return propagation;
	}

	private Storm storm() throws Exception {
		try (ScalePutTimer timer = new ScalePutTimer(this.writer)) {
			pause(STORM_BASELINE);
			List<Member> before = ScaleUsage.sample(this.etcd);
			long nodesBefore = nodesCpu();
			long start = System.nanoTime();
			List<String[]> replies = this.nodes
				.call("storm " + STORM_PREFIX + " " + this.settings.stormKeys() + " " + atOncePerNode());
			long end = System.nanoTime();
			List<Member> after = ScaleUsage.sample(this.etcd);
			long nodesAfter = nodesCpu();
			int failures = replies.stream().mapToInt((reply) -> Integer.parseInt(reply[1])).sum();
			Starts starts = Starts.of(replies, 2);
			long[] loadTimes = starts.durations();
			int gaveUp = starts.failed();
			long[] before10 = timer.between(start - STORM_BASELINE.toNanos(), start);
			long[] during = timer.between(start, end);
			Latency load = latency(loadTimes);
			Storm storm = new Storm(this.settings.stormKeys(), failures, gaveUp, load, starts.spanMillis(),
					latency(before10), latency(during),
					perMember(before, after, Member::cpuNanos, (end - start) / 100.0),
					percent(nodesAfter - nodesBefore, end - start),
					Arrays.stream(perMember(before, after, Member::sentBytes, 1))
						.mapToLong((bytes) -> (long) bytes)
						.toArray());
			log("storm: %d loads of %d keys, last done after %.0f ms (load p50 %.0f ms, max %.0f ms), %d failed reads, "
					+ "%d gave up; puts p99 %.1f ms before, %.1f ms during", loadTimes.length, storm.keys(),
					storm.spanMillis(), load.p50(), load.max(), failures, gaveUp, storm.putsBefore().p99(),
					storm.putsDuring().p99());
			return storm;
		}
	}

	/**
	 * Every instance loads the storm's range once and writes its snapshot file, then
	 * {@value #FILE_STORM_CHANGES} keys of the range change, then every instance starts
	 * again from its file at once. The loads that wrote the files give etcd's CPU per
	 * full load, the figure the storm is held against.
	 */
	private FileStorm fileStorm() throws Exception {
		List<Member> beforeLoads = ScaleUsage.sample(this.etcd);
		long loadsStart = System.nanoTime();
		long loadsMillis = max(this.nodes.call("snapshots " + STORM_PREFIX), 1);
		long loadsNanos = System.nanoTime() - loadsStart;
		List<Member> afterLoads = ScaleUsage.sample(this.etcd);
		double[] perFullLoad = perMember(beforeLoads, afterLoads, Member::cpuNanos, 1e6 * this.instances);
		String value = "changed-" + System.nanoTime();
		int stride = this.settings.stormKeys() / FILE_STORM_CHANGES;
		for (int i = 0; i < FILE_STORM_CHANGES; i++) {
			Keys.await(this.writer.put(Keys.bytes(stormKey(i * stride)), Keys.bytes(value)));
		}
		// The members' idle CPU (ns per ns), with no instance connected: each member's
		// quietest second of ten, since what the loads left behind (Go's collection of
		// their garbage) goes on for seconds. The lowest rate makes the figure above idle
		// the highest.
		double[] idleRate = null;
		List<Member> second = ScaleUsage.sample(this.etcd);
		long secondFrom = System.nanoTime();
		for (int i = 0; i < IDLE_SECONDS; i++) {
			pause(Duration.ofSeconds(1));
			List<Member> next = ScaleUsage.sample(this.etcd);
			long now = System.nanoTime();
			double[] rate = perMember(second, next, Member::cpuNanos, now - secondFrom);
			idleRate = (idleRate == null) ? rate : min(idleRate, rate);
			second = next;
			secondFrom = now;
		}
		List<Member> before = second;
		log("storm from snapshot files: etcd idle before it %s %% of a core",
				Arrays.toString(round(Arrays.stream(idleRate).map((rate) -> rate * 100).toArray())));
		long nodesBefore = nodesCpu();
		long start = System.nanoTime();
		List<String[]> replies = this.nodes
			.call("filestorm " + value + " " + FILE_STORM_CHANGES + " " + atOncePerNode());
		long end = System.nanoTime();
		List<Member> after = ScaleUsage.sample(this.etcd);
		double nodesCpu = percent(nodesCpu() - nodesBefore, end - start);
		int fromHistory = replies.stream().mapToInt((reply) -> Integer.parseInt(reply[1])).sum();
		int fullReads = replies.stream().mapToInt((reply) -> Integer.parseInt(reply[2])).sum();
		Starts starts = Starts.of(replies, 3);
		double[] stormCpu = perMember(before, after, Member::cpuNanos, 1e6);
		double[] stormAboveIdle = new double[stormCpu.length];
		double[] perFullLoadAboveIdle = new double[perFullLoad.length];
		for (int i = 0; i < stormCpu.length; i++) {
			double rate = (i < idleRate.length) ? idleRate[i] : 0;
			stormAboveIdle[i] = Math.max(0, stormCpu[i] - rate * (end - start) / 1e6);
			perFullLoadAboveIdle[i] = Math.max(0, perFullLoad[i] - rate * loadsNanos / 1e6 / this.instances);
		}
		FileStorm storm = new FileStorm(this.settings.stormKeys(), FILE_STORM_CHANGES, latency(starts.durations()),
				starts.spanMillis(), fromHistory, fullReads, starts.failed(), stormCpu, perFullLoad, stormAboveIdle,
				perFullLoadAboveIdle, nodesCpu);
		log("storm from snapshot files: the files written in %d ms (etcd %s ms per full load); %d ready, the last "
				+ "after %.0f ms (p50 %.0f ms), %d from history, %d full reads, %d not ready; etcd %s ms, %.2f of %d "
				+ "full loads (%.2f above idle)", loadsMillis, Arrays.toString(round(perFullLoad)),
				starts.durations().length, storm.lastReadyMillis(), storm.ready().p50(), fromHistory, fullReads,
				starts.failed(), Arrays.toString(round(storm.etcdCpuMillis())), storm.ofTargetFullLoads(),
				FileStorm.TARGET_FULL_LOADS, storm.ofTargetFullLoadsAboveIdle());
		return storm;
	}

	/**
	 * When each instance of a storm started and was done, as the nodes answered: pairs of
	 * {@link System#nanoTime()}, an end of -1 for an instance that did not start.
	 *
	 * @param durations the start-up time of each instance that started
	 * @param failed instances that did not start
	 * @param first the first start
	 * @param last the last end, 0 when none started
	 */
	private record Starts(long[] durations, int failed, long first, long last) {

		static Starts of(List<String[]> replies, int firstPair) {
			List<Long> durations = new ArrayList<>();
			int failed = 0;
			long first = Long.MAX_VALUE;
			long last = 0;
			for (String[] reply : replies) {
				for (int i = firstPair; i + 1 < reply.length; i += 2) {
					long from = Long.parseLong(reply[i]);
					long to = Long.parseLong(reply[i + 1]);
					first = Math.min(first, from);
					if (to < 0) {
						failed++;
						continue;
					}
					durations.add(to - from);
					last = Math.max(last, to);
				}
			}
			return new Starts(durations.stream().mapToLong(Long::longValue).toArray(), failed, first, last);
		}

		double spanMillis() {
			return (this.last == 0) ? 0 : (this.last - this.first) / 1e6;
		}

	}

	/**
	 * Stop one member, let every instance watch again, start it, then put a value.
	 */
	private Recovery restart(boolean leader) throws Exception {
		EtcdMember target = leader ? this.etcd.leader()
				: this.etcd.members()
					.stream()
					.filter((member) -> member != this.etcd.leader())
					.findFirst()
					.orElseThrow();
		this.nodes.call("track");
		long stop = System.nanoTime();
		target.stop();
		// Every instance watches again, on the members still up.
		Settled down = settled(this.nodes.call("settled 1000 60000"));
		target.start();
		long back = System.nanoTime();
		List<Member> before = ScaleUsage.sample(this.etcd);
		Put put = put();
		Settled settled = settled(this.nodes.call("settled 1000 60000"));
		List<Member> after = ScaleUsage.sample(this.etcd);
		String what = (leader ? "the leader" : "a follower") + " stopped (SIGTERM) and started again";
		Recovery recovery = new Recovery(what, (back - stop) / 1e6, settled.disturbed(),
				settled.notWatching() + down.notWatching(), down.since(stop), settled.longestGapMillis(),
				put.lastAfterAck() / 1e6, put.lost(), Double.NaN, perMember(before, after, Member::cpuNanos, 1e6));
		log(recovery);
		return recovery;
	}

	/**
	 * Kill every member, wait, start them all again, then put a value: the retry storm
	 * after an outage. Floor instances (jetcd alone) only show what their retries cost
	 * while etcd is down.
	 */
	private Recovery outage() throws Exception {
		if (this.mode == Mode.STARTER) {
			this.nodes.call("track");
		}
		long stop = System.nanoTime();
		this.etcd.members().parallelStream().forEach(EtcdMember::kill);
		long nodesBefore = nodesCpu();
		long down = System.nanoTime();
		pause(this.settings.outage());
		double nodesWhileDown = percent(nodesCpu() - nodesBefore, System.nanoTime() - down);
		long restart = System.nanoTime();
		this.etcd.start();
		long back = System.nanoTime();
		String what = "every member killed (SIGKILL), started again after " + this.settings.outage().toSeconds() + " s";
		if (this.mode == Mode.BARE) {
			Recovery recovery = new Recovery(what, (back - stop) / 1e6, 0, 0, Double.NaN, Double.NaN, Double.NaN, 0,
					nodesWhileDown, new double[0]);
			log(recovery);
			return recovery;
		}
		List<Member> before = ScaleUsage.sample(this.etcd);
		Put put = put();
		Settled settled = settled(this.nodes.call("settled 1000 120000"));
		List<Member> after = ScaleUsage.sample(this.etcd);
		Recovery recovery = new Recovery(what, (back - stop) / 1e6, settled.disturbed(), settled.notWatching(),
				settled.since(restart), settled.longestGapMillis(), put.lastAfterAck() / 1e6, put.lost(),
				nodesWhileDown, perMember(before, after, Member::cpuNanos, 1e6));
		log(recovery);
		return recovery;
	}

	private void log(Recovery recovery) {
		log("%s: %d disturbed, %d not watching at the deadline, all watching again after %.0f ms (longest gap %.0f "
				+ "ms), current %.0f ms after the ack, %d lost; nodes used %.1f %% of a core while etcd was down",
				recovery.what(), recovery.disturbed(), recovery.notWatching(), recovery.watchingAgainMillis(),
				recovery.longestGapMillis(), recovery.currentMillis(), recovery.lost(), recovery.nodesCpuWhileDown());
	}

	/**
	 * What every node saw since {@code track}.
	 * @param disturbed instances whose watch broke
	 * @param notWatching instances that did not watch again within the deadline:
	 * reported, not fatal, since what a saturated machine does is a result too
	 * @param lastWatchingAgain when the last of them watched again, 0 when none broke
	 * @param longestGapMillis the longest time one instance did not watch
	 */
	/**
	 * How many of a node's instances a storm starts at once: all of them, or the node's
	 * share of {@code storm-wave}.
	 */
	private int atOncePerNode() {
		int wave = this.settings.stormWave();
		return (wave <= 0) ? 0 : Math.max(1, (wave + this.settings.jvms() - 1) / this.settings.jvms());
	}

	private record Settled(int disturbed, int notWatching, long lastWatchingAgain, double longestGapMillis) {

		double since(long start) {
			return (this.lastWatchingAgain == 0) ? 0 : (this.lastWatchingAgain - start) / 1e6;
		}

	}

	/**
	 * A put of the next probe value, and when each instance held it.
	 *
	 * @param start when the put started
	 * @param ack when etcd acknowledged it
	 * @param arrivals each instance's arrival, 0 when it did not arrive within
	 * {@link #AWAIT}
	 */
	private record Put(long start, long ack, long[] arrivals) {

		long lastAfterAck() {
			return Arrays.stream(this.arrivals).max().orElse(this.ack) - this.ack;
		}

		int lost() {
			return (int) Arrays.stream(this.arrivals).filter((arrival) -> arrival == 0).count();
		}

	}

	private Put put() throws Exception {
		long sequence = ++this.sequence;
		long start = System.nanoTime();
		for (int attempt = 1;; attempt++) {
			try {
				this.writer.put(Keys.bytes(ScaleInstance.PROBE_KEY), Keys.bytes(Long.toString(sequence)))
					.get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
				break;
			}
			catch (ExecutionException ex) {
				// etcd times requests out when the machine is saturated (1,000 instances
				// on 2 cores); the same
				// value again is harmless, and the latency runs from the first attempt.
				if (attempt == 3) {
					throw ex;
				}
			}
		}
		long ack = System.nanoTime();
		List<String[]> replies = this.nodes.call("await " + sequence + " " + AWAIT.toMillis());
		long[] arrivals = replies.stream()
			.flatMapToLong((reply) -> Arrays.stream(reply, 3, reply.length).mapToLong(Long::parseLong))
			.toArray();
		return new Put(start, ack, arrivals);
	}

	// Percentiles of what there is; 0 when there is nothing.
	private static Latency latency(long[] nanos) {
		return (nanos.length == 0) ? new Latency(0, 0, 0, 0) : Latency.of(nanos, nanos.length);
	}

	private static Settled settled(List<String[]> replies) {
		int disturbed = 0;
		long last = 0;
		int notWatching = 0;
		long gap = 0;
		for (String[] reply : replies) {
			disturbed += Integer.parseInt(reply[1]);
			last = Math.max(last, Long.parseLong(reply[2]));
			notWatching += Integer.parseInt(reply[3]);
			gap = Math.max(gap, Long.parseLong(reply[4]));
		}
		return new Settled(disturbed, notWatching, last, gap / 1e6);
	}

	private long nodesCpu() {
		return cpu(this.nodes.pids());
	}

	// Every node JVM's threads by group, summed: GC, event loops, the starter's appliers.
	private Map<String, long[]> nodeThreads() {
		Map<String, long[]> all = new HashMap<>();
		for (long pid : this.nodes.pids()) {
			SchedStats.read(pid, null).forEach((group, used) -> {
				// Linux keeps 15 characters of a thread's name: jetcd-pool-9-th and
				// jetcd-pool-77-t are one group.
				String name = group.replaceAll("(?<=[-#])[0-9]+|[0-9]+$", "N");
				long[] total = all.computeIfAbsent(name.substring(0, Math.min(name.length(), 12)),
						(key) -> new long[used.length]);
				for (int i = 0; i < used.length; i++) {
					total[i] += used[i];
				}
			});
		}
		return all;
	}

	private static long cpu(List<Long> pids) {
		return pids.stream().mapToLong(ScaleUsage::cpuNanos).sum();
	}

	private static double[] perMember(List<Member> before, List<Member> after, ToLongFunction<Member> value,
			double divisor) {
		Map<String, Member> earlier = new HashMap<>();
		before.forEach((member) -> earlier.put(member.name(), member));
		double[] result = new double[after.size()];
		for (int i = 0; i < result.length; i++) {
			Member now = after.get(i);
			Member then = earlier.get(now.name());
			// A restarted member's counters start again from 0.
			long from = (then != null && then.pid() == now.pid()) ? value.applyAsLong(then) : 0;
			result[i] = (value.applyAsLong(now) - from) / divisor;
		}
		return result;
	}

	private static long max(List<String[]> replies, int field) {
		return replies.stream().mapToLong((reply) -> Long.parseLong(reply[field])).max().orElse(0);
	}

	private static double percent(long cpuNanos, long wallNanos) {
		return 100.0 * cpuNanos / wallNanos;
	}

	private static double[] min(double[] a, double[] b) {
		double[] min = new double[Math.min(a.length, b.length)];
		for (int i = 0; i < min.length; i++) {
			min[i] = Math.min(a[i], b[i]);
		}
		return min;
	}

	private static double[] round(double[] values) {
		return Arrays.stream(values).map((value) -> Math.round(value * 10) / 10.0).toArray();
	}

	static void pause(Duration duration) throws InterruptedException {
		Thread.sleep(duration.toMillis());
	}

	private void log(String format, Object... args) {
		System.out.printf("  %5d %-7s " + format + "%n",
				prepend(this.instances, this.mode.name().toLowerCase(Locale.ROOT), args));
	}

	private static Object[] prepend(int instances, String mode, Object[] args) {
		Object[] all = new Object[args.length + 2];
		all[0] = instances;
		all[1] = mode;
		System.arraycopy(args, 0, all, 2, args.length);
		return all;
	}

}
