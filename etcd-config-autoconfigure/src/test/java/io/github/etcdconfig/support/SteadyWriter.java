package io.github.etcdconfig.support;

import io.github.etcdconfig.test.EtcdKeys;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.etcd.jetcd.Client;

/**
 * Writes 1, 2, 3... to one key, one put at a time, retrying a put until etcd acknowledges
 * it. What it reports as acknowledged is in etcd, whatever happens to etcd meanwhile.
 */
public final class SteadyWriter implements AutoCloseable {

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final AtomicLong acknowledged = new AtomicLong();

	private final AtomicLong failures = new AtomicLong();

	private final CompletableFuture<Void> loop;

	public SteadyWriter(Client client, String key) {
		EtcdKeys etcd = new EtcdKeys(client);
		this.loop = CompletableFuture.runAsync(() -> {
			long next = 1;
			while (this.running.get()) {
				try {
					etcd.put(key, Long.toString(next), Duration.ofSeconds(2));
					this.acknowledged.set(next++);
				}
				catch (RuntimeException ex) {
					this.failures.incrementAndGet();
				}
			}
		});
	}

	/**
	 * The last value etcd acknowledged.
	 */
	public long acknowledged() {
		return this.acknowledged.get();
	}

	public long failures() {
		return this.failures.get();
	}

	/**
	 * Stop writing and wait for the last put to end.
	 * @return the last acknowledged value
	 */
	public long stop() {
		this.running.set(false);
		this.loop.join();
		return this.acknowledged.get();
	}

	@Override
	public void close() {
		stop();
	}

}
