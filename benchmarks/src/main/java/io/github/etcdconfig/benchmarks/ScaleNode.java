package io.github.etcdconfig.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.github.etcdconfig.config.EtcdConfigDataResource;
import io.github.etcdconfig.config.EtcdConfigLoadException;
import io.github.etcdconfig.config.EtcdConfigStore;
import io.github.etcdconfig.config.EtcdConfigStores;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.slf4j.LoggerFactory;

import org.springframework.boot.bootstrap.DefaultBootstrapContext;

/**
 * A JVM that simulates many application instances for {@link ScaleBenchmark}. It reads
 * one command per line on standard input and answers each with one line on standard
 * output, starting with {@value #REPLY}; its logs go to standard error. Times are
 * {@link System#nanoTime()}, which on Linux is {@code CLOCK_MONOTONIC} and so the same
 * clock in every process of the machine.
 *
 * <ul>
 * <li>{@code start starter|watches|bare <first> <count> <applications>}: create the
 * instances and connect them (the starter loads its key ranges); answers
 * {@code started <millis> <failed attempts>}</li>
 * <li>{@code watch}: start every watch and wait until etcd confirmed them all; answers
 * {@code watching <millis>}</li>
 * <li>{@code await <sequence> <timeout-ms>}: wait until every instance holds a probe
 * value; answers {@code arrived <sequence> <count> <arrival>...}, arrivals in
 * nanoseconds, 0 for one that did not arrive</li>
 * <li>{@code storm <prefix> <keys> <at once>}: every instance starts as a new JVM would,
 * at once (or at most {@code at once} of this node's at a time, 0 for all), through the
 * starter ({@link EtcdConfigStores#load}) without a snapshot file, and closes again;
 * answers {@code stormed <failed reads> (<start>
 * <end>)...}, end -1 for an instance whose retries gave up</li>
 * <li>{@code snapshots <prefix>}: every instance loads the prefix once through the
 * starter ({@link EtcdConfigStores#load}) with a snapshot file of its own, in a temporary
 * folder of this node, a few at a time, and closes again, which leaves the file written;
 * answers {@code snapshots <millis>}</li>
 * <li>{@code filestorm <value> <changed> <at once>}: every instance starts again at once
 * (or at most {@code at once} at a time) from its snapshot file, through
 * {@link EtcdConfigStores#load}, and is ready once it holds {@code changed} keys with the
 * value; answers {@code filestormed <from history> <full reads> (<start> <end>)...}, end
 * -1 for an instance that failed or was not ready with etcd's values</li>
 * <li>{@code track}: from now on, note when each instance stops and starts watching
 * again</li>
 * <li>{@code settled <quiet-ms> <timeout-ms>}: wait until every instance watches and none
 * changed for the quiet time; answers
 * {@code settled <disturbed> <last watching again> <not watching>}</li>
 * <li>{@code threads}: answers
 * {@code threads <live threads> <heap used after a full GC, bytes>}</li>
 * <li>{@code clock}: answers {@code clock <System.nanoTime()>}, to check that the clocks
 * agree</li>
 * <li>{@code stop}: close every instance and exit; answers {@code stopped}</li>
 * </ul>
 */
public final class ScaleNode {

	static final String REPLY = "SCALE ";

	private static final Duration WATCH_TIMEOUT = Duration.ofSeconds(120);

	private static final int START_ATTEMPTS = 3;

	private static final Log NODE_LOG = LogFactory.getLog(ScaleNode.class);

	private final String endpoints;

	private final List<ScaleInstance> instances = new ArrayList<>();

	private final List<EtcdConfigDataResource> resources = new ArrayList<>();

	private final List<EtcdConfigDataResource> fileResources = new ArrayList<>();

	private ScaleArrivals arrivals;

	private ScaleRecoveryTracker tracker;

	private ScaleNode(String endpoints) {
		this.endpoints = endpoints;
	}

	public static void main(String[] args) throws Exception {
		PrintStream replies = System.out;
		System.setOut(System.err);
		// One line per instance and outage would bury the node's log: the benchmark
		// measures recovery itself.
		((Logger) LoggerFactory.getLogger("io.github.etcdconfig")).setLevel(Level.ERROR);
		((Logger) LoggerFactory.getLogger("io.etcd.jetcd")).setLevel(Level.ERROR);
		ScaleNode node = new ScaleNode(args[0]);
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = commands.readLine()) != null) {
			String[] command = line.trim().split(" ");
			String reply;
			try {
				reply = node.handle(command);
			}
			catch (Exception ex) {
				ex.printStackTrace();
				reply = "failed " + ex.toString().replace('\n', ' ');
			}
			replies.println(REPLY + reply);
			replies.flush();
			if ("stop".equals(command[0])) {
				break;
			}
		}
		System.exit(0);
	}

	private String handle(String[] command) throws Exception {
		return switch (command[0]) {
			case "start" -> start(command[1], Integer.parseInt(command[2]), Integer.parseInt(command[3]),
					Integer.parseInt(command[4]));
			case "watch" -> watch();
			case "await" -> await(Long.parseLong(command[1]), Duration.ofMillis(Long.parseLong(command[2])));
			case "storm" -> storm(command[1], Integer.parseInt(command[2]), Integer.parseInt(command[3]));
			case "snapshots" -> snapshots(command[1]);
			case "filestorm" -> fileStorm(command[1], Integer.parseInt(command[2]), Integer.parseInt(command[3]));
			case "track" -> {
				if (this.tracker != null) {
					this.tracker.close();
				}
				this.tracker = new ScaleRecoveryTracker(this.instances);
				yield "tracking";
			}
			case "settled" -> this.tracker.settled(Duration.ofMillis(Long.parseLong(command[1])),
					Duration.ofMillis(Long.parseLong(command[2])));
			case "threads" -> threads();
			case "clock" -> "clock " + System.nanoTime();
			case "stop" -> stop();
			default -> throw new IllegalArgumentException("Unknown command " + command[0]);
		};
	}

	private String start(String mode, int first, int count, int applications) throws Exception {
		long start = System.nanoTime();
		this.arrivals = new ScaleArrivals(count);
		for (int i = 0; i < count; i++) {
			EtcdConfigDataResource resource = ScaleInstance.resource(this.endpoints,
					"app" + ((first + i) % applications));
			this.resources.add(resource);
			this.instances.add(switch (mode) {
				case "bare" -> ScaleBareInstance.floor(i, resource, this.arrivals);
				case "watches" -> ScaleBareInstance.starterWatches(i, resource, this.arrivals);
				default -> new ScaleStarterInstance(i, resource, this.arrivals);
			});
		}
		// The first alone, which pays for loading the classes; then a few at a time: each
		// instance is a JVM of its
		// own in real life, but here they share two cores.
		int failures = connect(0);
		failures += inParallel(8, (i) -> (i == 0) ? 0 : connect(i)).stream().mapToInt(Integer::intValue).sum();
		return "started " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " " + failures;
	}

	/**
	 * Connect an instance; one that fails is started again, as a platform restarts an
	 * application that failed to start, at most {@value #START_ATTEMPTS} times.
	 * @return the failed attempts
	 */
	private int connect(int index) throws Exception {
		for (int attempt = 1;; attempt++) {
			try {
				this.instances.get(index).connect();
				return attempt - 1;
			}
			catch (Exception ex) {
				if (attempt == START_ATTEMPTS) {
					throw ex;
				}
			}
		}
	}

	private String watch() throws InterruptedException {
		long start = System.nanoTime();
		this.instances.forEach(ScaleInstance::watch);
		long deadline = start + WATCH_TIMEOUT.toNanos();
		while (!this.instances.stream().allMatch(ScaleInstance::isWatching)) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						this.instances.stream().filter((instance) -> !instance.isWatching()).count()
								+ " instances not watching after " + WATCH_TIMEOUT);
			}
			Thread.sleep(10);
		}
		return "watching " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
	}

	private String await(long sequence, Duration timeout) throws InterruptedException {
		long[] times = this.arrivals.await(sequence, timeout);
		StringBuilder reply = new StringBuilder("arrived " + sequence + " " + times.length);
		for (long time : times) {
			reply.append(' ').append(time);
		}
		return reply.toString();
	}

	/**
	 * Every instance starts at once, as after a deployment or a node failure, through the
	 * starter's own start-up ({@link EtcdConfigStores#load}: a new client, etcd's
	 * revision, the paged read with the start-up retries, the snapshot), then closes.
	 * Each instance's snapshot is built here on the node's share of two cores, while in
	 * real life it is the instance's own CPU.
	 */
	private String storm(String prefix, int keys, int atOnce) throws Exception {
		int[] failures = { 0 };
		List<long[]> times = inParallel(atOnce, (i) -> {
			EtcdConfigStores stores = EtcdConfigStores.get(new DefaultBootstrapContext());
			ScaleStartLog log = new ScaleStartLog();
			long start = System.nanoTime();
			try {
				int read = stores.load(ScaleInstance.resource(this.endpoints, "storm", prefix, null), log)
					.getSnapshot()
					.getKeyCount();
				long end = System.nanoTime();
				if (read != keys) {
					throw new IllegalStateException("Read " + read + " keys of " + prefix + ", expected " + keys);
				}
				return new long[] { start, end };
			}
			catch (EtcdConfigLoadException ex) {
				// The application would fail to start, and be started again by its
				// platform.
				return new long[] { start, -1 };
			}
			finally {
				stores.destroy();
				List<String> failed = log.lines().stream().filter((line) -> line.startsWith("Reading ")).toList();
				synchronized (failures) {
					// The first failure of each node names its cause in the node's log.
					if (failures[0] == 0 && !failed.isEmpty()) {
						System.err.println("storm: first failed read: " + failed.get(0));
					}
					failures[0] += failed.size();
				}
			}
		});
		StringBuilder reply = new StringBuilder("stormed " + failures[0]);
		for (long[] time : times) {
			reply.append(' ').append(time[0]).append(' ').append(time[1]);
		}
		return reply.toString();
	}

	/**
	 * Every instance loads the storm's prefix once, with a snapshot file of its own, and
	 * closes: the state a deployed fleet is in before a restart.
	 */
	private String snapshots(String prefix) throws Exception {
		long start = System.nanoTime();
		Path folder = Files.createTempDirectory("scale-snapshots");
		folder.toFile().deleteOnExit();
		this.fileResources.clear();
		for (int i = 0; i < this.instances.size(); i++) {
			this.fileResources.add(ScaleInstance.resource(this.endpoints, "storm", prefix,
					folder.resolve("instance-" + i + ".snapshot")));
		}
		inParallel(8, (i) -> {
			EtcdConfigStores stores = EtcdConfigStores.get(new DefaultBootstrapContext());
			try {
				stores.load(this.fileResources.get(i), NODE_LOG);
			}
			finally {
				// Waits for the snapshot file's writer.
				stores.destroy();
			}
			return 0;
		});
		return "snapshots " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
	}

	/**
	 * Every instance starts at once from its snapshot file, as a restarted fleet does,
	 * through the starter's own start-up ({@link EtcdConfigStores#load}: the history
	 * since the file's revision, or a full read when etcd cannot serve it). An instance
	 * counts as ready only with the changed values, that is with etcd's state at the
	 * storm's start, not the file's.
	 */
	private String fileStorm(String value, int changed, int atOnce) throws Exception {
		int[] kinds = { 0, 0 };
		List<long[]> times = inParallel(atOnce, (i) -> {
			EtcdConfigStores stores = EtcdConfigStores.get(new DefaultBootstrapContext());
			ScaleStartLog log = new ScaleStartLog();
			long start = System.nanoTime();
			try {
				EtcdConfigStore store = stores.load(this.fileResources.get(i), log);
				int[] holding = { 0 };
				store.getSnapshot().forEachKey((key, held, revision) -> holding[0] += value.equals(held) ? 1 : 0);
				long end = System.nanoTime();
				synchronized (kinds) {
					kinds[0] += log.fromHistory() ? 1 : 0;
					kinds[1] += log.fullRead() ? 1 : 0;
				}
				if (holding[0] != changed) {
					System.err.println("filestorm: instance " + i + " holds " + holding[0] + " of the " + changed
							+ " changed values: " + log.lines());
					return new long[] { start, -1 };
				}
				return new long[] { start, end };
			}
			catch (RuntimeException ex) {
				System.err.println("filestorm: instance " + i + " failed to start: " + ex);
				return new long[] { start, -1 };
			}
			finally {
				// The instance's heap and threads are its own in real life: released here
				// so that a ready instance does not slow the others down.
				stores.destroy();
			}
		});
		StringBuilder reply = new StringBuilder("filestormed " + kinds[0] + " " + kinds[1]);
		for (long[] time : times) {
			reply.append(' ').append(time[0]).append(' ').append(time[1]);
		}
		return reply.toString();
	}

	private String threads() {
		System.gc();
		Runtime runtime = Runtime.getRuntime();
		return "threads " + Thread.activeCount() + " " + (runtime.totalMemory() - runtime.freeMemory());
	}

	private String stop() {
		if (this.tracker != null) {
			this.tracker.close();
		}
		this.instances.parallelStream().forEach(ScaleInstance::close);
		return "stopped";
	}

	private <T> List<T> inParallel(int threads, IndexedTask<T> task) throws Exception {
		int size = (threads <= 0) ? this.instances.size() : Math.min(threads, this.instances.size());
		ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, size));
		try {
			List<Future<T>> futures = new ArrayList<>();
			for (int i = 0; i < this.instances.size(); i++) {
				int index = i;
				futures.add(pool.submit(() -> task.run(index)));
			}
			List<T> results = new ArrayList<>();
			for (Future<T> future : futures) {
				results.add(future.get());
			}
			return results;
		}
		finally {
			pool.shutdownNow();
		}
	}

	@FunctionalInterface
	private interface IndexedTask<T> {

		T run(int index) throws Exception;

	}

}
