package io.github.etcdconfig.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import com.sun.management.OperatingSystemMXBean;
import io.etcd.jetcd.KV;
import io.github.etcdconfig.benchmarks.Apps.Mode;
import io.github.etcdconfig.benchmarks.ProbeApplication.ProbeProperties;
import io.github.etcdconfig.benchmarks.ProbeApplication.ScopedProbe;
import io.github.etcdconfig.benchmarks.ProbeApplication.ValueProbe;
import io.github.etcdconfig.benchmarks.Stats.Latency;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Time from a put to the moment a bean returns the new value. The writing thread starts
 * an asynchronous put, then spins ({@link System#nanoTime()}, no sleeping), calling the
 * bean every {@link #POLL_NANOS} ns until it returns the value; the put's completion
 * callback, on jetcd's event loop, stamps etcd's acknowledgement. Each sample is an
 * isolated change: the next put starts {@link #GAP_MILLIS} ms after the previous value
 * was seen, more than the coalescing window (10 ms), so no change waits for another.
 */
final class PropagationBenchmark {

	static final long GAP_MILLIS = 20;

	/**
	 * How often the spinning thread calls the probe; it busy-waits in between, never
	 * sleeps. Unpaced, it called a {@code @RefreshScope} proxy millions of times a
	 * second, and every call allocates (Spring Cloud's {@code GenericScope.get} makes a
	 * lock and a wrapper each time): the GC pauses that caused were the p99.
	 */
	static final long POLL_NANOS = 5_000;

	private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

	/** How the writing thread waits between two calls of the probe. */
	enum Poller {

		/**
		 * Busy-waits: it holds a core, and sees the value within {@link #POLL_NANOS} ns.
		 */
		SPIN("spinning"),

		/**
		 * Parks for {@link #POLL_NANOS} ns, which Linux stretches to about 50 µs more
		 * (timer slack): a core is left to etcd and the application, and the value is
		 * seen a few tens of microseconds later.
		 */
		PARK("parked");

		final String title;

		Poller(String title) {
			this.title = title;
		}

		void pause() {
			if (this == SPIN) {
				Thread.onSpinWait();
			}
			else {
				LockSupport.parkNanos(POLL_NANOS);
			}
		}

	}

	/** What is read until it returns the new value. */
	enum Probe {

		BARE_WATCH("bare jetcd watch", FloorWatch.KEY),

		REFRESH_SCOPE("@RefreshScope bean", ProbeApplication.SCOPE_KEY),

		CONFIGURATION_PROPERTIES("@ConfigurationProperties bean", ProbeApplication.PROPERTIES_KEY),

		VALUE("@Value field", ProbeApplication.VALUE_KEY),

		/**
		 * A key that did not exist: a new name, bound into the
		 * {@code @ConfigurationProperties} bean's map.
		 */
		NEW_NAME("new name in a map", ProbeApplication.MAP_PREFIX);

		final String title;

		final String key;

		Probe(String title, String key) {
			this.title = title;
			this.key = key;
		}

	}

	/**
	 * One measured combination.
	 *
	 * @param keys the number of keys the application holds
	 * @param mode how the application follows etcd
	 * @param probe what is read
	 * @param reader whether another thread called the probe in a tight loop meanwhile
	 * @param fromPut from the start of the put
	 * @param fromAck from etcd's acknowledgement of the put: the application's own share
	 * @param lost samples whose value was not seen within 10 s
	 * @param bareFromPut the bare watch, from the start of the put, sampled in between
	 * this cell's samples; {@code null} when it was not
	 * @param cpuPerChange milliseconds of CPU time per sample, every thread of the JVM
	 * but the measuring one; {@code NaN} with a reader thread, which spins
	 */
	record Cell(int keys, Mode mode, Probe probe, boolean reader, Latency fromPut, Latency fromAck, int lost,
			Latency bareFromPut, double cpuPerChange) {
	}

	private final KV writer;

	private final List<Cell> cells = new ArrayList<>();

	// The bare watch's samples of the current key count, without and with a reader
	// thread.
	private final Map<Boolean, Series> bare = new HashMap<>();

	private int tag;

	PropagationBenchmark(KV writer) {
		this.writer = writer;
	}

	List<Cell> cells() {
		return this.cells;
	}

	static Supplier<String> reader(ConfigurableApplicationContext context, Probe probe) {
		return switch (probe) {
			case REFRESH_SCOPE -> context.getBean(ScopedProbe.class)::value;
			case CONFIGURATION_PROPERTIES -> context.getBean(ProbeProperties.class)::getValue;
			case VALUE -> context.getBean(ValueProbe.class)::value;
			case BARE_WATCH, NEW_NAME -> throw new IllegalArgumentException(probe.title + " has no fixed key");
		};
	}

	/**
	 * Rounds of unrecorded puts to every probe until the JIT has compiled nothing for
	 * {@code quietMillis}, after at least {@code minRounds} rounds and for at most
	 * {@code maxMillis}.
	 * @return the number of puts
	 */
	int warmUpUntilCompiled(List<Supplier<String>> reads, List<String> keys, int minRounds, long quietMillis,
			long maxMillis) {
		CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
		long start = System.nanoTime();
		long compiled = jit.getTotalCompilationTime();
		long quietSince = start;
		int puts = 0;
		for (int round = 0;; round++) {
			long now = System.nanoTime();
			if (jit.getTotalCompilationTime() != compiled) {
				compiled = jit.getTotalCompilationTime();
				quietSince = now;
			}
			boolean quiet = now - quietSince >= TimeUnit.MILLISECONDS.toNanos(quietMillis);
			if (round >= minRounds && (quiet || now - start >= TimeUnit.MILLISECONDS.toNanos(maxMillis))) {
				return puts;
			}
			for (int i = 0; i < reads.size(); i++) {
				sample(reads.get(i), keys.get(i), "warm-" + (this.tag++));
				puts++;
			}
		}
	}

	/**
	 * Puts without recording, so the JIT compiles the paths before they are measured.
	 * @param read the probe
	 * @param key its key
	 * @param count how many puts
	 */
	void warmUp(Supplier<String> read, String key, int count) {
		for (int i = 0; i < count; i++) {
			sample(read, key, "warm-" + (this.tag++));
		}
	}

	/**
	 * Measure a probe without, then with a reader thread. With a bare watch given, one
	 * bare-watch sample follows every second probe sample, so that both see etcd at the
	 * same time: its fsync times drift over minutes.
	 * @param bare reads the bare watch, or {@code null}
	 */
	void measure(int keys, Mode mode, Probe probe, Supplier<String> read, Supplier<String> bare, int samples,
			int samplesWithReader) {
		this.cells.add(measure(keys, mode, probe, read, bare, false, samples));
		this.cells.add(measure(keys, mode, probe, read, bare, true, samplesWithReader));
	}

	/**
	 * Add the bare watch's cells for a key count: every bare-watch sample taken since the
	 * last call.
	 */
	void addBareWatch(int keys) {
		for (boolean reader : new boolean[] { false, true }) {
			Series series = this.bare.remove(reader);
			if (series != null) {
				this.cells.add(report(series.cell(keys, Mode.ETCD_CONFIG, Probe.BARE_WATCH, reader, null, Double.NaN)));
			}
		}
	}

	/**
	 * Measure changes that add a name: each sample puts a key that never existed under
	 * the map of the {@code @ConfigurationProperties} probe and waits until the map holds
	 * it, then deletes it again, untimed, so that the application keeps its number of
	 * keys. Without a reader thread only.
	 */
	void measureNewNames(int keys, ProbeProperties properties, int samples) {
		Series series = new Series(samples);
		long cpu = othersCpuTime();
		for (int i = 0; i < samples; i++) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(GAP_MILLIS));
			series.add(newName(properties));
		}
		// Each sample also deleted its name, a change of the same kind: half the CPU time
		// is the new name's.
		double cpuPerChange = Stats.millis(othersCpuTime() - cpu) / samples / 2;
		this.cells.add(report(series.cell(keys, Mode.ETCD_CONFIG, Probe.NEW_NAME, false, null, cpuPerChange)));
	}

	// The CPU time of every thread of this JVM but the current one, which spins while it
	// measures.
	private static long othersCpuTime() {
		long process = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
		return process - ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
	}

	/**
	 * New names without recording, so the JIT compiles their path before it is measured.
	 */
	void warmUpNewNames(ProbeProperties properties, int count) {
		for (int i = 0; i < count; i++) {
			newName(properties);
		}
	}

	private long[] newName(ProbeProperties properties) {
		String name = "n" + (this.tag++);
		String key = ProbeApplication.MAP_PREFIX + name;
		long[] sample = sample(() -> properties.getMap().get(name), key, name);
		Keys.await(this.writer.delete(Keys.bytes(key)));
		long deadline = System.nanoTime() + TIMEOUT_NANOS;
		while (properties.getMap().containsKey(name) && System.nanoTime() < deadline) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
		return sample;
	}

	private Cell measure(int keys, Mode mode, Probe probe, Supplier<String> read, Supplier<String> bare,
			boolean withReader, int samples) {
		Series series = new Series(samples);
		Series bareSeries = new Series(samples / 2);
		long cpu = othersCpuTime();
		try (Reader reader = withReader ? new Reader(read) : null) {
			for (int i = 0; i < samples; i++) {
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(GAP_MILLIS));
				series.add(sample(read, probe.key, "s-" + (this.tag++)));
				if (bare != null && i % 2 == 1) {
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(GAP_MILLIS));
					bareSeries.add(sample(bare, FloorWatch.KEY, "s-" + (this.tag++)));
				}
			}
		}
		// The bare-watch samples in between add their own watch's small share, alike at
		// every key count.
		double cpuPerChange = withReader ? Double.NaN : Stats.millis(othersCpuTime() - cpu) / samples;
		if (bare != null) {
			this.bare.computeIfAbsent(withReader, (key) -> new Series(0)).addAll(bareSeries);
		}
		return report(
				series.cell(keys, mode, probe, withReader, (bare != null) ? bareSeries.fromPut() : null, cpuPerChange));
	}

	private static Cell report(Cell cell) {
		System.out.printf(
				"  %-14s %-30s keys=%-6d reader=%-5s from put p50 %7.3f p99 %7.3f | from ack p50 %7.3f p99 %7.3f max %7.3f ms | CPU %7.3f ms%s%n",
				cell.mode(), cell.probe().title, cell.keys(), cell.reader(), cell.fromPut().p50(), cell.fromPut().p99(),
				cell.fromAck().p50(), cell.fromAck().p99(), cell.fromAck().max(), cell.cpuPerChange(),
				(cell.lost() > 0) ? " LOST " + cell.lost() : "");
		return cell;
	}

	private long[] sample(Supplier<String> read, String key, String value) {
		return sample(this.writer, read, key, value, Poller.SPIN);
	}

	/**
	 * One change: a put, then the probe called until it returns the value.
	 * @return nanoseconds from the start of the put and from its acknowledgement, then
	 * the {@link System#nanoTime()} of the start, of the acknowledgement and of the
	 * moment the value was seen; or {@code null} when the value was not seen in time
	 */
	static long[] sample(KV writer, Supplier<String> read, String key, String value, Poller poller) {
		long start = System.nanoTime();
		CompletableFuture<Long> acknowledged = writer.put(Keys.bytes(key), Keys.bytes(value))
			.thenApply((response) -> System.nanoTime());
		long next = start;
		while (true) {
			long now = System.nanoTime();
			if (now >= next) {
				if (value.equals(read.get())) {
					break;
				}
				if (now - start > TIMEOUT_NANOS) {
					Keys.await(acknowledged);
					return null;
				}
				next = now + POLL_NANOS;
			}
			poller.pause();
		}
		long seen = System.nanoTime();
		long ack = Keys.await(acknowledged);
		return new long[] { seen - start, seen - ack, start, ack, seen };
	}

	/** Samples as they are taken. */
	static final class Series {

		private long[] fromPut;

		private long[] fromAck;

		private int count;

		private int lost;

		Series(int capacity) {
			this.fromPut = new long[capacity];
			this.fromAck = new long[capacity];
		}

		void add(long[] sample) {
			if (sample == null) {
				this.lost++;
				return;
			}
			if (this.count == this.fromPut.length) {
				this.fromPut = Arrays.copyOf(this.fromPut, this.count * 2 + 16);
				this.fromAck = Arrays.copyOf(this.fromAck, this.count * 2 + 16);
			}
			this.fromPut[this.count] = sample[0];
			this.fromAck[this.count] = sample[1];
			this.count++;
		}

		void addAll(Series other) {
			for (int i = 0; i < other.count; i++) {
				add(new long[] { other.fromPut[i], other.fromAck[i] });
			}
			this.lost += other.lost;
		}

		Latency fromPut() {
			return Latency.of(this.fromPut, this.count);
		}

		Latency fromAck() {
			return Latency.of(this.fromAck, this.count);
		}

		int count() {
			return this.count;
		}

		int lost() {
			return this.lost;
		}

		Cell cell(int keys, Mode mode, Probe probe, boolean reader, Latency bareFromPut, double cpuPerChange) {
			if (this.count == 0) {
				throw new IllegalStateException(
						probe.title + " never returned a new value (" + mode + ", " + keys + " keys)");
			}
			return new Cell(keys, mode, probe, reader, fromPut(), fromAck(), this.lost, bareFromPut, cpuPerChange);
		}

	}

	/** Another thread calling the probe in a tight loop, as a busy application would. */
	private static final class Reader implements AutoCloseable {

		private final Thread thread;

		private volatile boolean running = true;

		@SuppressWarnings("unused")
		private volatile Object sink;

		Reader(Supplier<String> read) {
			this.thread = new Thread(() -> {
				while (this.running) {
					this.sink = read.get();
				}
			}, "bench-reader");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		@Override
		public void close() {
			this.running = false;
			try {
				this.thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
