package io.github.etcdconfig.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.github.etcdconfig.benchmarks.Apps.Mode;
import io.github.etcdconfig.benchmarks.ProbeApplication.ChangeLog;
import io.github.etcdconfig.benchmarks.ProbeApplication.RefreshStages;
import io.github.etcdconfig.benchmarks.PropagationBenchmark.Poller;
import io.github.etcdconfig.benchmarks.PropagationBenchmark.Probe;
import io.github.etcdconfig.benchmarks.PropagationBenchmark.Series;
import io.github.etcdconfig.benchmarks.Stats.Latency;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * A stream of changes rather than isolated ones.
 * <ul>
 * <li><b>Back-to-back:</b> the writer puts the next value as soon as the probe returns
 * the previous one, with no pause, as a script that sets keys one after another does. The
 * bare watch is measured the same way (its next put as soon as it saw the previous
 * value), in blocks taken in between the probe's blocks.</li>
 * <li><b>Fixed rates:</b> puts issued on a schedule whatever the application does (open
 * loop), asynchronous and pipelined, in turn to the three probes' keys. Each put's
 * latency runs to the {@code EtcdConfigChangedEvent} that applied a revision at or past
 * its own; a bare jetcd watch of the same keys, on a client of its own, stamps when it
 * received them.</li>
 * </ul>
 */
final class StreamBenchmark {

	static final int[] RATES = { 100, 1_000, 5_000 };

	/**
	 * Back-to-back changes in a row before the other side (probe or bare watch) takes its
	 * turn. Each block starts after a pause, so its first change is isolated and not
	 * recorded.
	 */
	static final int BLOCK = 50;

	static final long PAUSE_MILLIS = 20;

	/**
	 * Unrecorded seconds at the start of each rate, so that the application reaches its
	 * steady state.
	 */
	static final double RATE_WARM_UP_SECONDS = 1;

	// A cap, not a pace: etcd 3.4 refuses puts ("too many requests") once applying falls
	// 5,000 entries behind.
	static final int MAX_IN_FLIGHT = 4_000;

	private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

	/**
	 * One back-to-back measure.
	 *
	 * @param keys the number of keys the application holds
	 * @param mode how the application follows etcd
	 * @param probe what is read
	 * @param poller how the writer waits between two calls of the probe
	 * @param fromPut from the start of each put to the probe returning its value
	 * @param fromAck from etcd's acknowledgement of each put
	 * @param lost changes whose value was not seen within 10 s
	 * @param putsPerSecond changes per second the writer made
	 * @param refreshesPerSecond refreshes per second the application ran meanwhile; 0 for
	 * the bare watch
	 * @param bareFromPut the bare watch's back-to-back blocks taken in between, from the
	 * put; {@code null} when none
	 */
	record BackToBack(int keys, Mode mode, Probe probe, Poller poller, Latency fromPut, Latency fromAck, int lost,
			double putsPerSecond, double refreshesPerSecond, Latency bareFromPut) {
	}

	/**
	 * One fixed rate.
	 *
	 * @param rate puts per second asked for
	 * @param putsPerSecond puts per second issued
	 * @param puts puts recorded
	 * @param maxInFlight most puts awaiting etcd's answer at once
	 * @param fromPut from the start of each put to the refresh that applied it
	 * @param fromAck from etcd's acknowledgement of each put to that refresh
	 * @param refreshesPerSecond refreshes per second meanwhile
	 * @param bareFromPut from the start of each put to the bare watch receiving it
	 * @param bareFromAck from etcd's acknowledgement of each put to the bare watch
	 * receiving it
	 */
	record Rate(int rate, double putsPerSecond, int puts, int maxInFlight, Latency fromPut, Latency fromAck,
			double refreshesPerSecond, Latency bareFromPut, Latency bareFromAck) {
	}

	private final KV writer;

	private final String endpoints;

	private final List<BackToBack> backToBack = new ArrayList<>();

	private final List<Rate> rates = new ArrayList<>();

	// The bare watch's back-to-back blocks of the current key count, per poller, gathered
	// over the probes.
	private final Map<Poller, Run> bare = new LinkedHashMap<>();

	private int tag;

	StreamBenchmark(KV writer, String endpoints) {
		this.writer = writer;
		this.endpoints = endpoints;
	}

	List<BackToBack> backToBack() {
		return this.backToBack;
	}

	List<Rate> rates() {
		return this.rates;
	}

	/**
	 * Back-to-back changes of one probe, in blocks, with blocks of the bare watch in
	 * between.
	 * @param bareWatch reads the bare watch, or {@code null} for none
	 */
	void backToBack(int keys, Mode mode, Probe probe, ConfigurableApplicationContext app, Supplier<String> bareWatch,
			Poller poller, int samples) {
		Supplier<String> read = PropagationBenchmark.reader(app, probe);
		RefreshStages stages = app.getBean(RefreshStages.class);
		Run own = new Run(samples);
		Run floor = new Run(samples / 2);
		while (own.series.count() + own.series.lost() < samples) {
			long before = stages.refreshes();
			block(own, read, probe.key, poller, BLOCK);
			// The block's last refresh ends meanwhile.
			pause();
			own.refreshes += stages.refreshes() - before;
			if (bareWatch != null) {
				block(floor, bareWatch, FloorWatch.KEY, poller, BLOCK / 2);
				pause();
			}
		}
		if (bareWatch != null) {
			this.bare.computeIfAbsent(poller, (key) -> new Run(0)).add(floor);
		}
		this.backToBack
			.add(report(own.cell(keys, mode, probe, poller, (bareWatch != null) ? floor.series.fromPut() : null)));
	}

	/**
	 * Add the bare watch's rows for a key count: every back-to-back block it ran since
	 * the last call.
	 */
	void addBareWatch(int keys) {
		this.bare.forEach((poller, run) -> this.backToBack
			.add(report(run.cell(keys, Mode.ETCD_CONFIG, Probe.BARE_WATCH, poller, null))));
		this.bare.clear();
	}

	private void block(Run run, Supplier<String> read, String key, Poller poller, int changes) {
		long start = System.nanoTime();
		for (int i = 0; i < changes; i++) {
			long[] sample = PropagationBenchmark.sample(this.writer, read, key, "b-" + (this.tag++), poller);
			if (i > 0) {
				run.series.add(sample);
			}
		}
		run.nanos += System.nanoTime() - start;
		run.puts += changes;
	}

	/**
	 * Puts at a fixed rate, whatever the application does, for the recorded seconds after
	 * {@link #RATE_WARM_UP_SECONDS}.
	 * @param app the application, with etcd-config
	 * @param rate puts per second
	 * @param seconds recorded seconds
	 */
	void rate(ConfigurableApplicationContext app, int rate, double seconds) {
		ChangeLog applied = app.getBean(ChangeLog.class);
		RevisionLog received = new RevisionLog();
		String[] keys = { ProbeApplication.SCOPE_KEY, ProbeApplication.PROPERTIES_KEY, ProbeApplication.VALUE_KEY };
		int warmUp = (int) Math.round(rate * RATE_WARM_UP_SECONDS);
		int count = warmUp + (int) Math.max(10, Math.round(rate * seconds));
		long[] start = new long[count];
		long[] ack = new long[count];
		long[] revision = new long[count];
		int maxInFlight;
		// The watch starts at a put made before it, so that receiving that put proves it
		// is in place.
		long first = Keys.await(this.writer.put(Keys.bytes(keys[0]), Keys.bytes("rate-start-" + (this.tag++))))
			.getHeader()
			.getRevision();
		try (Client client = Client.builder().endpoints(this.endpoints.split(",")).build();
				Watch.Watcher watcher = client.getWatchClient()
					.watch(Keys.bytes("/config/bench/probe/"),
							WatchOption.builder().isPrefix(true).withRevision(first).build(), (response) -> {
								List<WatchEvent> events = response.getEvents();
								if (!events.isEmpty()) {
									received.add(events.get(events.size() - 1).getKeyValue().getModRevision());
								}
							})) {
			awaitReached(received, first, "the bare watch");
			awaitReached(applied, first, "the application");
			applied.clear();
			received.clear();
			Semaphore window = new Semaphore(MAX_IN_FLIGHT);
			AtomicInteger inFlight = new AtomicInteger();
			AtomicInteger most = new AtomicInteger();
			List<CompletableFuture<?>> puts = new ArrayList<>(count);
			long interval = TimeUnit.SECONDS.toNanos(1) / rate;
			long begin = System.nanoTime();
			for (int i = 0; i < count; i++) {
				long due = begin + i * interval;
				for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
					LockSupport.parkNanos(due - now);
				}
				window.acquireUninterruptibly();
				most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
				int index = i;
				start[i] = System.nanoTime();
				puts.add(this.writer.put(Keys.bytes(keys[i % keys.length]), Keys.bytes("r" + rate + "-" + i))
					.whenComplete((response, failure) -> {
						ack[index] = System.nanoTime();
						if (response != null) {
							revision[index] = response.getHeader().getRevision();
						}
						inFlight.decrementAndGet();
						window.release();
					}));
			}
			puts.forEach(Keys::await);
			maxInFlight = most.get();
			long last = 0;
			for (long r : revision) {
				last = Math.max(last, r);
			}
			awaitReached(applied, last, "the application");
			awaitReached(received, last, "the bare watch");
		}
		long[] revisions = Arrays.copyOfRange(revision, warmUp, count);
		long[] appliedAt = applied.reached(revisions);
		long[] receivedAt = received.reached(revisions);
		int recorded = count - warmUp;
		long[][] latencies = new long[4][recorded];
		for (int i = 0; i < recorded; i++) {
			int put = warmUp + i;
			latencies[0][i] = appliedAt[i] - start[put];
			latencies[1][i] = appliedAt[i] - ack[put];
			latencies[2][i] = receivedAt[i] - start[put];
			latencies[3][i] = receivedAt[i] - ack[put];
		}
		double span = (start[count - 1] - start[warmUp]) / 1e9;
		Rate result = new Rate(rate, (recorded - 1) / span, recorded, maxInFlight, Latency.of(latencies[0], recorded),
				Latency.of(latencies[1], recorded), applied.count(start[warmUp], start[count - 1]) / span,
				Latency.of(latencies[2], recorded), Latency.of(latencies[3], recorded));
		this.rates.add(result);
		System.out.printf(
				"  rate %5d/s (%.0f/s issued, at most %d in flight): from put p50 %7.3f p99 %7.3f | from ack "
						+ "p50 %7.3f p99 %7.3f ms | %.0f refreshes/s | bare from put p50 %7.3f p99 %7.3f ms%n",
				rate, result.putsPerSecond(), maxInFlight, result.fromPut().p50(), result.fromPut().p99(),
				result.fromAck().p50(), result.fromAck().p99(), result.refreshesPerSecond(), result.bareFromPut().p50(),
				result.bareFromPut().p99());
	}

	private static void awaitReached(RevisionLog log, long revision, String who) {
		long start = System.nanoTime();
		while (log.reached(revision) == null) {
			if (System.nanoTime() - start > TIMEOUT_NANOS) {
				throw new IllegalStateException(who + " never reached revision " + revision);
			}
			LockSupport.parkNanos(100_000);
		}
	}

	private static void pause() {
		LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PAUSE_MILLIS));
	}

	private static BackToBack report(BackToBack cell) {
		System.out.printf(
				"  back-to-back %-12s %-30s %-8s keys=%-6d from put p50 %7.3f p99 %7.3f | from ack p50 "
						+ "%7.3f p99 %7.3f ms | %.0f puts/s, %.0f refreshes/s%s%n",
				cell.mode(), cell.probe().title, cell.poller().title, cell.keys(), cell.fromPut().p50(),
				cell.fromPut().p99(), cell.fromAck().p50(), cell.fromAck().p99(), cell.putsPerSecond(),
				cell.refreshesPerSecond(), (cell.lost() > 0) ? " LOST " + cell.lost() : "");
		return cell;
	}

	/** Back-to-back blocks as they are taken. */
	private static final class Run {

		private final Series series;

		private long nanos;

		private int puts;

		private long refreshes;

		Run(int capacity) {
			this.series = new Series(capacity);
		}

		void add(Run other) {
			this.series.addAll(other.series);
			this.nanos += other.nanos;
			this.puts += other.puts;
			this.refreshes += other.refreshes;
		}

		BackToBack cell(int keys, Mode mode, Probe probe, Poller poller, Latency bareFromPut) {
			if (this.series.count() == 0) {
				throw new IllegalStateException(
						probe.title + " never returned a new value (" + mode + ", " + keys + " keys, back-to-back)");
			}
			double seconds = this.nanos / 1e9;
			return new BackToBack(keys, mode, probe, poller, this.series.fromPut(), this.series.fromAck(),
					this.series.lost(), this.puts / seconds, this.refreshes / seconds, bareFromPut);
		}

	}

}
