package io.github.etcdconfig.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.github.etcdconfig.benchmarks.ProbeApplication.ChangeLog;
import io.github.etcdconfig.benchmarks.Stats.Runs;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Bursts: puts sent as fast as one client can, asynchronous and pipelined on one
 * connection, then the time until the application has applied the exact final state, and
 * how many refreshes ({@code EtcdConfigChangedEvent}s) that took.
 */
final class BurstBenchmark {

	private static final String PREFIX = "/config/bench/burst/";

	private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

	// etcd 3.4 refuses puts ("too many requests") once applying falls 5,000 entries
	// behind committing.
	static final int IN_FLIGHT = 1_000;

	/**
	 * Repeated bursts of one size.
	 *
	 * @param puts puts per burst
	 * @param keys distinct keys they write, each about as often
	 * @param send from the first put to the last acknowledgement
	 * @param converge from the first put to the refresh that applied etcd's final
	 * revision
	 * @param afterSend from the last acknowledgement to that refresh
	 * @param bare from the first put to a bare jetcd watch receiving etcd's final
	 * revision
	 * @param refreshes refreshes per burst
	 */
	record Result(int puts, int keys, Runs send, Runs converge, Runs afterSend, Runs bare, Runs refreshes) {
	}

	private final KV writer;

	private final String endpoints;

	private final List<Result> results = new ArrayList<>();

	BurstBenchmark(KV writer, String endpoints) {
		this.writer = writer;
		this.endpoints = endpoints;
	}

	List<Result> results() {
		return this.results;
	}

	void measure(ConfigurableApplicationContext context, int puts, int keys, int runs) {
		long[] send = new long[runs];
		long[] converge = new long[runs];
		long[] afterSend = new long[runs];
		long[] bare = new long[runs];
		long[] refreshes = new long[runs];
		// What etcd itself takes to deliver the burst to a watcher, with nothing applied:
		// the floor.
		RevisionLog bareWatch = new RevisionLog();
		try (Client client = Client.builder().endpoints(this.endpoints.split(",")).build();
				Watch.Watcher watcher = client.getWatchClient()
					.watch(Keys.bytes(PREFIX), WatchOption.builder().isPrefix(true).build(), (response) -> {
						List<WatchEvent> events = response.getEvents();
						if (!events.isEmpty()) {
							bareWatch.add(events.get(events.size() - 1).getKeyValue().getModRevision());
						}
					})) {
			// The first burst adds the keys, which the others only change: unrecorded.
			for (int run = -1; run < runs; run++) {
				long[] burst = burst(context, bareWatch, puts, keys, run);
				if (run >= 0) {
					send[run] = burst[0];
					converge[run] = burst[1];
					afterSend[run] = burst[1] - burst[0];
					bare[run] = burst[2];
					refreshes[run] = burst[3];
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
			}
		}
		Result result = new Result(puts, keys, Runs.of(send), Runs.of(converge), Runs.of(afterSend), Runs.of(bare),
				Runs.ofCounts(refreshes));
		this.results.add(result);
		System.out.printf(
				"  burst %6d puts: sent in %.0f ms, bare watch %.0f ms, converged in %.0f ms (max %.0f), "
						+ "%.0f refreshes (max %.0f)%n",
				puts, result.send().median(), result.bare().median(), result.converge().median(),
				result.converge().max(), result.refreshes().median(), result.refreshes().max());
	}

	/**
	 * @return nanoseconds to send, to converge and to the bare watch's final revision;
	 * refreshes
	 */
	private long[] burst(ConfigurableApplicationContext context, RevisionLog bareWatch, int count, int keys, int run) {
		ChangeLog log = context.getBean(ChangeLog.class);
		log.clear();
		bareWatch.clear();
		Semaphore window = new Semaphore(IN_FLIGHT);
		List<CompletableFuture<PutResponse>> puts = new ArrayList<>(count);
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			window.acquireUninterruptibly();
			puts.add(this.writer.put(Keys.bytes(key(i % keys)), Keys.bytes("r" + run + "-" + i))
				.whenComplete((response, failure) -> window.release()));
		}
		long revision = 0;
		for (CompletableFuture<PutResponse> put : puts) {
			revision = Math.max(revision, Keys.await(put).getHeader().getRevision());
		}
		long sent = System.nanoTime();
		Long applied;
		while ((applied = log.reached(revision)) == null) {
			if (System.nanoTime() - start > TIMEOUT_NANOS) {
				throw new IllegalStateException("A burst of " + count + " puts did not converge");
			}
			// The refresh stamps its own time: how often this polls does not change the
			// figure.
			LockSupport.parkNanos(100_000);
		}
		int refreshes = log.count();
		checkFinalState(context.getEnvironment(), keys);
		Long bare;
		while ((bare = bareWatch.reached(revision)) == null) {
			if (System.nanoTime() - start > TIMEOUT_NANOS) {
				throw new IllegalStateException("The bare watch never saw revision " + revision);
			}
			LockSupport.parkNanos(100_000);
		}
		return new long[] { sent - start, applied - start, bare - start, refreshes };
	}

	// Concurrent puts reach etcd in no fixed order: the final state is what etcd holds
	// now.
	private void checkFinalState(Environment environment, int keys) {
		List<KeyValue> held = Keys
			.await(this.writer.get(Keys.bytes(key(0)), GetOption.builder().withRange(Keys.bytes(key(keys))).build()))
			.getKvs();
		StartupBenchmark.check(held.size() == keys, "etcd holds " + held.size() + " burst keys");
		for (KeyValue kv : held) {
			String name = Keys.name(kv.getKey().toString(StandardCharsets.UTF_8));
			String expected = kv.getValue().toString(StandardCharsets.UTF_8);
			StartupBenchmark.check(expected.equals(environment.getProperty(name)),
					name + " is " + environment.getProperty(name) + ", etcd has " + expected);
		}
	}

	private static String key(int index) {
		return String.format("%sk%05d", PREFIX, index);
	}

}
