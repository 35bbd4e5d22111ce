package io.github.etcdconfig.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.KV;

/**
 * etcd's put latency while something else goes on: a thread that puts one key outside
 * every watched range every {@value #INTERVAL_MILLIS} ms, one put at a time, and notes
 * when each started and how long it took.
 */
final class ScalePutTimer implements AutoCloseable {

	static final String KEY = "/scale/writer";

	static final long INTERVAL_MILLIS = 20;

	private final KV kv;

	private final List<long[]> puts = new ArrayList<>();

	private final Thread thread;

	private volatile boolean running = true;

	ScalePutTimer(KV kv) {
		this.kv = kv;
		this.thread = new Thread(this::run, "scale-put-timer");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void run() {
		long next = System.nanoTime();
		for (int i = 0; this.running; i++) {
			long start = System.nanoTime();
			try {
				this.kv.put(Keys.bytes(KEY), Keys.bytes(Integer.toString(i))).get(10, TimeUnit.SECONDS);
				long took = System.nanoTime() - start;
				synchronized (this.puts) {
					this.puts.add(new long[] { start, took });
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (Exception ex) {
				// A put that failed (10 s) counts as 10 s.
				synchronized (this.puts) {
					this.puts.add(new long[] { start, TimeUnit.SECONDS.toNanos(10) });
				}
			}
			next += TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS);
			long wait = next - System.nanoTime();
			if (wait > 0) {
				try {
					TimeUnit.NANOSECONDS.sleep(wait);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
			else {
				next = System.nanoTime();
			}
		}
	}

	/**
	 * The latencies of the puts that started in a window.
	 * @param from the window's start, nanos
	 * @param to the window's end, nanos
	 * @return the latencies, nanos
	 */
	long[] between(long from, long to) {
		synchronized (this.puts) {
			return this.puts.stream()
				.filter((put) -> put[0] >= from && put[0] < to)
				.mapToLong((put) -> put[1])
				.toArray();
		}
	}

	@Override
	public void close() {
		this.running = false;
		this.thread.interrupt();
		try {
			this.thread.join(TimeUnit.SECONDS.toMillis(15));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
