package io.github.etcdconfig.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.github.etcdconfig.test.EtcdKeys;

/**
 * Writes 1, 2, 3... to one key, one put at a time, retrying a put until etcd acknowledges
 * it. What it reports as acknowledged is in etcd, whatever happens to etcd meanwhile.
 *
 * <p>
 * Each put is a transaction on the key's modification revision, so that an attempt that
 * timed out here but lands later (held by a hung member, or retried by jetcd) finds the
 * key changed since and writes nothing: etcd's own value never goes back, and a test can
 * hold an application to the same.
 */
public final class SteadyWriter implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final AtomicLong acknowledged = new AtomicLong();

	private final AtomicLong failures = new AtomicLong();

	private final CompletableFuture<Void> loop;

	public SteadyWriter(Client client, String key) {
		KV kv = client.getKVClient();
		ByteSequence name = EtcdKeys.bytes(key);
		this.loop = CompletableFuture.runAsync(() -> {
			long next = 1;
			long written = -1;
			while (this.running.get()) {
				try {
					if (written < 0) {
						List<KeyValue> current = kv.get(name).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getKvs();
						written = current.isEmpty() ? 0 : current.get(0).getModRevision();
						if (!current.isEmpty() && current.get(0).getValue().toString().equals(Long.toString(next))) {
							// An earlier attempt of this value landed.
							this.acknowledged.set(next++);
							continue;
						}
					}
					TxnResponse put = kv.txn()
						.If(new Cmp(name, Cmp.Op.EQUAL, CmpTarget.modRevision(written)))
						.Then(Op.put(name, EtcdKeys.bytes(Long.toString(next)), PutOption.DEFAULT))
						.commit()
						.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
					if (put.isSucceeded()) {
						written = put.getHeader().getRevision();
						this.acknowledged.set(next++);
					}
					else {
						// The key changed since: read what landed.
						written = -1;
					}
				}
				catch (Exception ex) {
					if (ex instanceof InterruptedException) {
						Thread.currentThread().interrupt();
						return;
					}
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
