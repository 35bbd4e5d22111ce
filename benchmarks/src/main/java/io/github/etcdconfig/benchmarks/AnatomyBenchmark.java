package io.github.etcdconfig.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.github.etcdconfig.benchmarks.ProbeApplication.RefreshStages;
import io.github.etcdconfig.benchmarks.PropagationBenchmark.Poller;
import io.github.etcdconfig.benchmarks.PropagationBenchmark.Probe;
import io.github.etcdconfig.benchmarks.PropagationBenchmark.Series;
import io.github.etcdconfig.benchmarks.Stats.Latency;
import io.github.etcdconfig.refresh.EtcdConfigWatchers;

import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Where the time of an isolated change goes, for the {@code @RefreshScope} probe: what
 * separates the application from the bare watch, and whether the writer's spinning on one
 * of the two cores matters.
 * <ul>
 * <li><b>Pollers:</b> isolated changes as in the propagation cells, with the bare watch
 * sampled in between, once with the writer spinning between two calls of the probe and
 * once with it parked.</li>
 * <li><b>Stages:</b> isolated changes again, this time with two watches of the probe's
 * key that stamp when they receive each put: one on a client of its own (the bare watch's
 * receipt of the very same put) and one on the application's own client (when the
 * application's connection received it, as near as can be told from outside). The probe
 * application stamps when its first {@code EnvironmentChangeEvent} listener ran and when
 * the {@code @RefreshScope} bean was refreshed. The extra watches add work to jetcd's
 * threads, so these samples are not compared with the others.</li>
 * </ul>
 */
final class AnatomyBenchmark {

	/** One step of a change, from one stamp to the next. */
	enum Stage {

		ACKNOWLEDGED("put → etcd's acknowledgement reaches the writer"),

		BARE_RECEIVED("acknowledgement → the bare watch receives the put"),

		APP_RECEIVED("bare watch receives → the application's client receives"),

		LISTENERS("application's client receives → first `EnvironmentChangeEvent` listener (hand-off to the applier "
				+ "thread, snapshot)"),

		SCOPE_REFRESHED("first listener → `@RefreshScope` bean refreshed (rebinding, `@Value`, scope)"),

		SEEN("bean refreshed → the probe returns the value (the poll, the bean created again)"),

		CREATED("of which the writer's call that created the bean again: its CPU time (Spring's work)"),

		BARE_TO_SEEN("**bare watch receives → the probe returns the value**"),

		ACK_TO_SEEN("acknowledgement → the probe returns the value");

		final String title;

		Stage(String title) {
			this.title = title;
		}

	}

	/**
	 * Isolated changes with one poller.
	 *
	 * @param poller how the writer waited between two calls of the probe
	 * @param fromPut the probe, from the start of the put
	 * @param fromAck the probe, from etcd's acknowledgement
	 * @param bareFromPut the bare watch sampled in between, from the start of the put
	 * @param bareFromAck the bare watch sampled in between, from etcd's acknowledgement
	 * @param threads per group of threads (etcd's as one), microseconds on a CPU and
	 * microseconds waiting for one while runnable, per change (the bare watch's included)
	 */
	record PollerCell(Poller poller, Latency fromPut, Latency fromAck, Latency bareFromPut, Latency bareFromAck,
			Map<String, double[]> threads) {
	}

	/**
	 * The stages of isolated changes with one poller.
	 *
	 * @param poller how the writer waited between two calls of the probe
	 * @param samples changes whose every stamp was taken
	 * @param stages per stage, its distribution
	 * @param means per stage, its mean in milliseconds (means add up, where medians do
	 * not)
	 */
	record StageCell(Poller poller, int samples, Map<Stage, Latency> stages, Map<Stage, Double> means) {
	}

	/**
	 * Spring Cloud's re-creation of the {@code @RefreshScope} probe on its own, with no
	 * change in etcd: the scope refreshed by name, then the probe called once, its CPU
	 * time measured.
	 *
	 * @param afterPause each creation after the thread slept {@link #GAP_MILLIS} ms, as
	 * between isolated changes
	 * @param inARow each creation right after the last one
	 */
	record CreationCell(Latency afterPause, Latency inARow) {
	}

	private static final long GAP_MILLIS = PropagationBenchmark.GAP_MILLIS;

	/**
	 * Thread groups that used less, on a CPU and waiting together, per change, are left
	 * out of the report.
	 */
	static final double MIN_MICROS = 10;

	private final KV writer;

	private final String endpoints;

	private final long etcdPid;

	private final List<PollerCell> pollers = new ArrayList<>();

	private final List<StageCell> stages = new ArrayList<>();

	private CreationCell creation;

	private int tag;

	AnatomyBenchmark(KV writer, String endpoints, long etcdPid) {
		this.writer = writer;
		this.endpoints = endpoints;
		this.etcdPid = etcdPid;
	}

	List<PollerCell> pollers() {
		return this.pollers;
	}

	List<StageCell> stages() {
		return this.stages;
	}

	CreationCell creation() {
		return this.creation;
	}

	/**
	 * Isolated changes of the {@code @RefreshScope} probe with the bare watch sampled in
	 * between (one after every second change), as in the propagation cells.
	 */
	void measurePoller(ConfigurableApplicationContext app, Supplier<String> bareWatch, Poller poller, int samples) {
		Supplier<String> read = PropagationBenchmark.reader(app, Probe.REFRESH_SCOPE);
		Series own = new Series(samples);
		Series bare = new Series(samples / 2);
		Map<String, long[]> before = threads();
		for (int i = 0; i < samples; i++) {
			gap();
			own.add(sample(read, Probe.REFRESH_SCOPE.key, poller));
			if (i % 2 == 1) {
				gap();
				bare.add(sample(bareWatch, FloorWatch.KEY, poller));
			}
		}
		Map<String, double[]> threads = SchedStats.perEvent(before, threads(), samples + samples / 2);
		threads.values().removeIf((used) -> used[0] + used[1] < MIN_MICROS);
		// Linux names the JVM's main thread after the launcher.
		double[] writer = threads.remove("java");
		if (writer != null) {
			threads.put("java (main: the writer)", writer);
		}
		PollerCell cell = new PollerCell(poller, own.fromPut(), own.fromAck(), bare.fromPut(), bare.fromAck(), threads);
		this.pollers.add(cell);
		System.out.printf(
				"  anatomy %-8s @RefreshScope from put p50 %7.3f (%.2f× bare %7.3f) | from ack p50 %7.3f "
						+ "p99 %7.3f ms%n",
				poller.title, cell.fromPut().p50(), cell.fromPut().p50() / cell.bareFromPut().p50(),
				cell.bareFromPut().p50(), cell.fromAck().p50(), cell.fromAck().p99());
		threads.forEach((group, used) -> System.out
			.printf("    %-24s on a CPU %8.1f µs, waiting for one %8.1f µs per change%n", group, used[0], used[1]));
	}

	/**
	 * Isolated changes of the {@code @RefreshScope} probe, each stamped at every stage.
	 */
	void measureStages(ConfigurableApplicationContext app, Poller poller, int samples) {
		TimedRead read = new TimedRead(PropagationBenchmark.reader(app, Probe.REFRESH_SCOPE));
		RefreshStages refresh = app.getBean(RefreshStages.class);
		Client appClient = app.getBean(EtcdConfigWatchers.class).getWatchers().get(0).getStore().getClient();
		Map<Stage, long[]> values = new EnumMap<>(Stage.class);
		for (Stage stage : Stage.values()) {
			values.put(stage, new long[samples]);
		}
		int count = 0;
		try (Client client = Client.builder().endpoints(this.endpoints.split(",")).build();
				Receipt bare = new Receipt(client);
				Receipt application = new Receipt(appClient)) {
			for (int i = 0; i < samples; i++) {
				gap();
				long[] sample = sample(read, Probe.REFRESH_SCOPE.key, poller);
				if (sample == null) {
					continue;
				}
				long start = sample[2];
				long ack = sample[3];
				long seen = sample[4];
				long[] stamps = { bare.at, application.at, refresh.environmentChanged(), refresh.scopeRefreshed() };
				boolean complete = true;
				for (long stamp : stamps) {
					complete &= stamp > start && stamp <= seen + TimeUnit.MILLISECONDS.toNanos(10);
				}
				if (!complete) {
					continue;
				}
				long[] at = { start, ack, stamps[0], stamps[1], stamps[2], stamps[3], seen };
				for (int stage = 0; stage < 6; stage++) {
					values.get(Stage.values()[stage])[count] = at[stage + 1] - at[stage];
				}
				values.get(Stage.CREATED)[count] = read.cpu;
				values.get(Stage.BARE_TO_SEEN)[count] = seen - stamps[0];
				values.get(Stage.ACK_TO_SEEN)[count] = seen - ack;
				count++;
			}
		}
		Map<Stage, Latency> latencies = new EnumMap<>(Stage.class);
		Map<Stage, Double> means = new EnumMap<>(Stage.class);
		for (Stage stage : Stage.values()) {
			long[] nanos = values.get(stage);
			latencies.put(stage, Latency.of(nanos, count));
			double sum = 0;
			for (int i = 0; i < count; i++) {
				sum += nanos[i];
			}
			means.put(stage, Stats.millis((long) (sum / count)));
		}
		StageCell cell = new StageCell(poller, count, latencies, means);
		this.stages.add(cell);
		System.out.printf("  anatomy stages %-8s (%d changes): bare received → seen p50 %.3f ms, mean %.3f ms%n",
				poller.title, count, latencies.get(Stage.BARE_TO_SEEN).p50(), means.get(Stage.BARE_TO_SEEN));
		for (Stage stage : Stage.values()) {
			System.out.printf("    %-100s p50 %7.3f mean %7.3f ms%n", stage.title, latencies.get(stage).p50(),
					means.get(stage));
		}
	}

	/**
	 * Spring Cloud's re-creation of the {@code @RefreshScope} probe on its own: after a
	 * pause as long as the one between isolated changes, and in a row.
	 */
	void measureCreation(ConfigurableApplicationContext app, int samples) {
		RefreshScope scope = app.getBean(RefreshScope.class);
		TimedRead read = new TimedRead(PropagationBenchmark.reader(app, Probe.REFRESH_SCOPE));
		long[] afterPause = new long[samples];
		long[] inARow = new long[samples];
		for (int i = 0; i < samples; i++) {
			gap();
			afterPause[i] = create(scope, read);
		}
		for (int i = 0; i < samples; i++) {
			inARow[i] = create(scope, read);
		}
		this.creation = new CreationCell(Latency.of(afterPause, samples), Latency.of(inARow, samples));
		System.out.printf("  anatomy creation of the @RefreshScope bean alone, CPU p50: after a pause %.3f ms, in a "
				+ "row %.3f ms%n", this.creation.afterPause().p50(), this.creation.inARow().p50());
	}

	private static long create(RefreshScope scope, TimedRead read) {
		scope.refresh(ProbeApplication.SCOPED_PROBE);
		read.get();
		return read.cpu;
	}

	private Map<String, long[]> threads() {
		Map<String, long[]> threads = SchedStats.read(ProcessHandle.current().pid(), null);
		threads.putAll(SchedStats.read(this.etcdPid, "etcd (all its threads)"));
		return threads;
	}

	private long[] sample(Supplier<String> read, String key, Poller poller) {
		return PropagationBenchmark.sample(this.writer, read, key, "a-" + (this.tag++), poller);
	}

	private static void gap() {
		LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(GAP_MILLIS));
	}

	/**
	 * Calls the probe and keeps the CPU time of the last call: the one that returned the
	 * new value.
	 */
	private static final class TimedRead implements Supplier<String> {

		private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

		private final Supplier<String> read;

		private long cpu;

		TimedRead(Supplier<String> read) {
			this.read = read;
		}

		@Override
		public String get() {
			long before = THREADS.getCurrentThreadCpuTime();
			String value = this.read.get();
			this.cpu = THREADS.getCurrentThreadCpuTime() - before;
			return value;
		}

	}

	/** A watch of the probe's key that stamps when it last received a put. */
	private static final class Receipt implements AutoCloseable {

		private final Watch.Watcher watcher;

		private volatile long at;

		Receipt(Client client) {
			this.watcher = client.getWatchClient()
				.watch(Keys.bytes(Probe.REFRESH_SCOPE.key), WatchOption.DEFAULT, (response) -> {
					if (!response.getEvents().isEmpty()) {
						this.at = System.nanoTime();
					}
				});
		}

		@Override
		public void close() {
			this.watcher.close();
		}

	}

}
