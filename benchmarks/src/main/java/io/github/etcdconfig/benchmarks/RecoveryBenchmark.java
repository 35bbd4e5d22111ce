package io.github.etcdconfig.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.grpc.StatusRuntimeException;
import io.github.etcdconfig.benchmarks.Apps.Mode;
import io.github.etcdconfig.benchmarks.ProbeApplication.ChangeLog;
import io.github.etcdconfig.benchmarks.Stats.Latency;
import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdMember;
import io.github.etcdconfig.test.TcpProxy;
import io.github.etcdconfig.refresh.EtcdConfigWatcher;
import io.github.etcdconfig.refresh.EtcdConfigWatchers;
import io.github.etcdconfig.watch.EtcdWatchStatus;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Time to be current after an outage of etcd, against the outage's kind and length. The
 * application (the probe application, 1,000 keys, default settings) always reaches etcd
 * through a {@link TcpProxy}, which counts the connections it opens and the bytes it
 * sends; the benchmark talks to etcd directly ({@link DirectEtcd}).
 * <ul>
 * <li><b>Changes it has not seen:</b> before a kill or a stop, eleven changes (ten puts
 * and a delete) are made and acknowledged, and the fault follows at once, so etcd may not
 * have sent them yet; during a cut, the same changes are made after the cut, and etcd's
 * history is then compacted past them, so the application must read everything again. In
 * every case a marker is put as soon as etcd answers again.</li>
 * <li><b>etcd answers again:</b> for a cut, when the line is restored (etcd answered
 * throughout); for a kill or a stop, when a read sent directly to etcd every 10 ms, each
 * on a new connection, is first answered after the restart or the SIGCONT.</li>
 * <li><b>Current:</b> when the {@code EtcdConfigChangedEvent} that applied the marker's
 * revision was published (the event stamps its own time); the Environment is then checked
 * to hold every change.</li>
 * </ul>
 */
final class RecoveryBenchmark {

	static final int[] OUTAGE_SECONDS = { 5, 30, 120 };

	static final int[] TRIALS = { 5, 3, 2 };

	static final int KEYS = 1_000;

	static final String PREFIX = "/config/bench/outage/";

	private static final int CHANGES = 10;

	private static final long CURRENT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

	private static final long PROBE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	/** What goes wrong. */
	enum Fault {

		CUT("line cut", "the proxy resets every connection and refuses new ones, then forwards again"),

		KILL("etcd killed", "SIGKILL, then etcd started again on the same data directory"),

		STOP("etcd stopped", "SIGSTOP, then SIGCONT: etcd keeps its connections but answers nothing");

		final String title;

		final String description;

		Fault(String title, String description) {
			this.title = title;
			this.description = description;
		}

	}

	/**
	 * One outage.
	 *
	 * @param fault what went wrong
	 * @param seconds how long it was meant to last
	 * @param outageNanos from the fault to its end (restore, restart, SIGCONT)
	 * @param currentNanos from etcd answering again to the application being current; -1
	 * when it was not within a minute
	 * @param connections connections the application opened toward etcd during the outage
	 * @param bytes bytes the application sent toward etcd during the outage
	 * @param attempts when each of those connections was opened, as
	 * {@link System#nanoTime()} (to the millisecond)
	 * @param warnings the starter's and jetcd's WARN and ERROR lines from the fault until
	 * a second after the application was current
	 */
	record Trial(Fault fault, int seconds, long outageNanos, long currentNanos, long connections, long bytes,
			long[] attempts, List<WarnLines.Line> warnings) {

		/** The most lines logged within any 60 seconds. */
		int warningsPerMinute() {
			int most = 0;
			for (int i = 0; i < this.warnings.size(); i++) {
				int count = 0;
				for (int j = i; j < this.warnings.size() && this.warnings.get(j).nanos()
						- this.warnings.get(i).nanos() < TimeUnit.SECONDS.toNanos(60); j++) {
					count++;
				}
				most = Math.max(most, count);
			}
			return most;
		}

	}

	/**
	 * The trials of one kind and length.
	 *
	 * @param fault what went wrong
	 * @param seconds the outage's length
	 * @param trials each trial
	 */
	record Cell(Fault fault, int seconds, List<Trial> trials) {

		/** Time to be current, over the trials that were. */
		Latency current() {
			long[] nanos = this.trials.stream().mapToLong(Trial::currentNanos).filter((n) -> n >= 0).toArray();
			return (nanos.length == 0) ? null : Latency.of(nanos, nanos.length);
		}

		int notCurrent() {
			return (int) this.trials.stream().filter((trial) -> trial.currentNanos() < 0).count();
		}

		/** Connections per second during the outage, of the trial that opened most. */
		double connectionsPerSecond() {
			return this.trials.stream().mapToDouble((trial) -> trial.connections() / seconds(trial)).max().orElse(0);
		}

		/**
		 * Bytes per second toward etcd during the outage, of the trial that sent most.
		 */
		double bytesPerSecond() {
			return this.trials.stream().mapToDouble((trial) -> trial.bytes() / seconds(trial)).max().orElse(0);
		}

		/**
		 * Milliseconds between two connections during the outages: all of them, sorted.
		 */
		double[] intervals() {
			List<Double> intervals = new ArrayList<>();
			for (Trial trial : this.trials) {
				for (int i = 1; i < trial.attempts().length; i++) {
					intervals.add(Stats.millis(trial.attempts()[i] - trial.attempts()[i - 1]));
				}
			}
			return intervals.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		}

		int mostWarnings() {
			return this.trials.stream().mapToInt((trial) -> trial.warnings().size()).max().orElse(0);
		}

		int mostWarningsPerMinute() {
			return this.trials.stream().mapToInt(Trial::warningsPerMinute).max().orElse(0);
		}

		private static double seconds(Trial trial) {
			return trial.outageNanos() / 1e9;
		}

	}

	private final List<Cell> cells = new ArrayList<>();

	private final int[] outageSeconds;

	private final int[] trials;

	private int tag;

	RecoveryBenchmark(int[] outageSeconds, int[] trials) {
		this.outageSeconds = outageSeconds;
		this.trials = trials;
	}

	List<Cell> cells() {
		return this.cells;
	}

	/**
	 * Every kind and length, on an etcd of its own; lengths in order, and the kinds in
	 * turn within each round, so that a change in the machine's load over the run spreads
	 * over every kind.
	 */
	void measure() {
		try (EtcdCluster etcd = EtcdCluster.builder().build().start();
				TcpProxy proxy = TcpProxy.to(etcd.clientEndpoints().get(0))) {
			try (var client = etcd.newClient()) {
				new Keys(client).ensure(KEYS);
			}
			EtcdMember member = etcd.member(0);
			DirectEtcd direct = new DirectEtcd(member.clientEndpoint());
			try (ConfigurableApplicationContext app = Apps.start(Mode.ETCD_CONFIG, proxy.endpoint().toString())) {
				WarnLines warnings = WarnLines.attach();
				Outage outage = new Outage(app, proxy, member, direct, warnings);
				for (int length = 0; length < this.outageSeconds.length; length++) {
					int seconds = this.outageSeconds[length];
					List<List<Trial>> byFault = new ArrayList<>();
					for (Fault fault : Fault.values()) {
						byFault.add(new ArrayList<>());
					}
					for (int trial = 0; trial < this.trials[Math.min(length, this.trials.length - 1)]; trial++) {
						for (Fault fault : Fault.values()) {
							byFault.get(fault.ordinal()).add(report(outage.run(fault, seconds, this.tag++)));
						}
					}
					for (Fault fault : Fault.values()) {
						this.cells.add(new Cell(fault, seconds, byFault.get(fault.ordinal())));
					}
				}
			}
		}
	}

	private static Trial report(Trial trial) {
		System.out.printf(
				"  %-12s %4d s: current after %s ms; %d connections (%.1f/s), %.0f bytes/s toward etcd; "
						+ "%d WARN/ERROR lines%n",
				trial.fault().title, trial.seconds(),
				(trial.currentNanos() < 0) ? "never" : Report.ms(Stats.millis(trial.currentNanos())),
				trial.connections(), trial.connections() / (trial.outageNanos() / 1e9),
				trial.bytes() / (trial.outageNanos() / 1e9), trial.warnings().size());
		return trial;
	}

	/** The application and what it runs against, for one outage after another. */
	private static final class Outage {

		private final ConfigurableApplicationContext app;

		private final TcpProxy proxy;

		private final EtcdMember member;

		private final DirectEtcd direct;

		private final WarnLines warnings;

		private final ChangeLog applied;

		private final ExecutorService prober = Executors.newSingleThreadExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "bench-prober");
			thread.setDaemon(true);
			return thread;
		});

		Outage(ConfigurableApplicationContext app, TcpProxy proxy, EtcdMember member, DirectEtcd direct,
				WarnLines warnings) {
			this.app = app;
			this.proxy = proxy;
			this.member = member;
			this.direct = direct;
			this.warnings = warnings;
			this.applied = app.getBean(ChangeLog.class);
		}

		Trial run(Fault fault, int seconds, int tag) {
			String value = fault.name().toLowerCase() + "-" + seconds + "-" + tag;
			settle(tag);
			long connections = this.proxy.connections();
			long bytes = this.proxy.bytesFromClients();
			if (fault != Fault.CUT) {
				change(value);
			}
			long start = System.nanoTime();
			Attempts attempts = new Attempts(this.proxy);
			switch (fault) {
				case CUT -> {
					this.proxy.cut();
					try (DirectEtcd.Session etcd = this.direct.open()) {
						etcd.compact(change(value));
					}
				}
				case KILL -> this.member.kill();
				case STOP -> this.member.pause();
			}
			park(start + TimeUnit.SECONDS.toNanos(seconds));
			long end = System.nanoTime();
			connections = this.proxy.connections() - connections;
			bytes = this.proxy.bytesFromClients() - bytes;
			long[] opened = attempts.stop();
			CompletableFuture<long[]> answered;
			long back;
			switch (fault) {
				case CUT -> {
					this.proxy.restore();
					back = System.nanoTime();
					answered = probe(value);
				}
				case KILL -> {
					answered = probe(value);
					this.member.start();
					back = Keys.await(answered)[0];
				}
				default -> {
					answered = probe(value);
					this.member.resume();
					back = Keys.await(answered)[0];
				}
			}
			long marker = Keys.await(answered)[1];
			Long current = awaitApplied(marker, back + CURRENT_TIMEOUT_NANOS);
			if (current != null) {
				check(value);
			}
			park(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
			return new Trial(fault, seconds, end - start, (current != null) ? current - back : -1, connections, bytes,
					opened, this.warnings.between(start, System.nanoTime()));
		}

		/**
		 * Make the eleven changes: ten puts and the delete of a key that {@link #settle}
		 * put.
		 * @return the revision of the last
		 */
		private long change(String value) {
			try (DirectEtcd.Session etcd = this.direct.open()) {
				for (int i = 0; i < CHANGES; i++) {
					etcd.put(key(i), value + "-" + i);
				}
				return etcd.delete(key(CHANGES));
			}
		}

		private void check(String value) {
			Environment environment = this.app.getEnvironment();
			for (int i = 0; i <= CHANGES; i++) {
				String expected = (i < CHANGES) ? value + "-" + i : null;
				String held = environment.getProperty(Keys.name(key(i)));
				StartupBenchmark.check((expected == null) ? held == null : expected.equals(held),
						Keys.name(key(i)) + " is " + held + " after the outage " + value + ", etcd has " + expected);
			}
			StartupBenchmark.check(value.equals(environment.getProperty(Keys.name(PREFIX + "marker"))),
					"the marker of " + value + " is missing");
		}

		/**
		 * Read etcd every 10 ms, each time on a new connection, until it answers; then
		 * put the marker.
		 * @return when etcd first answered, as {@link System#nanoTime()}, and the
		 * marker's revision
		 */
		private CompletableFuture<long[]> probe(String value) {
			return CompletableFuture.supplyAsync(() -> {
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
				while (true) {
					long sent = System.nanoTime();
					try (DirectEtcd.Session etcd = this.direct.open()) {
						etcd.revision(Duration.ofSeconds(1));
						long answered = System.nanoTime();
						return new long[] { answered, etcd.put(PREFIX + "marker", value) };
					}
					catch (StatusRuntimeException ex) {
						if (System.nanoTime() > deadline) {
							throw new IllegalStateException("etcd did not answer again within a minute", ex);
						}
					}
					park(sent + PROBE_INTERVAL_NANOS);
				}
			}, this.prober);
		}

		/**
		 * Wait until the application watches every range and holds etcd's latest values,
		 * then two more seconds: an outage starts from a settled application.
		 */
		private void settle(int tag) {
			long marker;
			try (DirectEtcd.Session etcd = this.direct.open()) {
				etcd.put(key(CHANGES), "present");
				marker = etcd.put(PREFIX + "marker", "settle-" + tag);
			}
			long deadline = System.nanoTime() + CURRENT_TIMEOUT_NANOS;
			StartupBenchmark.check(awaitApplied(marker, deadline) != null, "not current before outage " + tag);
			List<EtcdConfigWatcher> watchers = this.app.getBean(EtcdConfigWatchers.class).getWatchers();
			while (!watchers.stream()
				.allMatch((watcher) -> watcher.getWatcher().getStatus().getState() == EtcdWatchStatus.State.WATCHING)) {
				StartupBenchmark.check(System.nanoTime() < deadline, "not watching before outage " + tag);
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
			}
			park(System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
			this.applied.clear();
		}

		private Long awaitApplied(long revision, long deadline) {
			Long at;
			while ((at = this.applied.reached(revision)) == null && System.nanoTime() < deadline) {
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
			}
			return at;
		}

		private static String key(int index) {
			return String.format("%sk%02d", PREFIX, index);
		}

	}

	/**
	 * When the application opens connections through the proxy: its counter read every
	 * millisecond.
	 */
	private static final class Attempts {

		private final Thread thread;

		private final List<Long> opened = new ArrayList<>();

		private volatile boolean running = true;

		Attempts(TcpProxy proxy) {
			this.thread = new Thread(() -> {
				long seen = proxy.connections();
				while (this.running) {
					long now = proxy.connections();
					for (; seen < now; seen++) {
						this.opened.add(System.nanoTime());
					}
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
				}
			}, "bench-attempts");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		long[] stop() {
			this.running = false;
			try {
				this.thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return this.opened.stream().mapToLong(Long::longValue).toArray();
		}

	}

	private static void park(long until) {
		for (long now = System.nanoTime(); now < until; now = System.nanoTime()) {
			LockSupport.parkNanos(until - now);
		}
	}

	static int[] ints(String list) {
		return Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
	}

}
