package io.github.etcdconfig.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.github.etcdconfig.lock.EtcdLock;
import io.github.etcdconfig.lock.EtcdLocks;

import static io.github.etcdconfig.test.EtcdKeys.await;
import static io.github.etcdconfig.test.EtcdKeys.bytes;

/**
 * Increments a counter kept in etcd under an {@link EtcdLock}, the way a job would update
 * shared state. Each critical section first claims an "inside" marker: finding it taken
 * means another holder is inside too.
 */
public final class LockedCounter {

	public static final String COUNTER = "/test/counter";

	public static final String INSIDE = "/test/inside";

	public static final String LOCK = "counter";

	private LockedCounter() {
	}

	/**
	 * Run {@code threads} threads doing {@code iterations} increments each.
	 * @return the number of critical sections that found another one running
	 */
	public static int run(EtcdLocks locks, Client client, int threads, int iterations) throws Exception {
		AtomicInteger overlaps = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				done.add(pool.submit(() -> {
					for (int i = 0; i < iterations; i++) {
						EtcdLock lock = locks.obtain(LOCK);
						lock.lock();
						try {
							overlaps.addAndGet(increment(client));
						}
						finally {
							lock.unlock();
						}
					}
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		return overlaps.get();
	}

	private static int increment(Client client) {
		ByteSequence inside = bytes(INSIDE);
		boolean alone = await(client.getKVClient()
			.txn()
			.If(new Cmp(inside, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
			.Then(Op.put(inside, bytes(Thread.currentThread().getName()), PutOption.DEFAULT))
			.commit()).isSucceeded();
		List<KeyValue> current = await(client.getKVClient().get(bytes(COUNTER))).getKvs();
		long value = current.isEmpty() ? 0 : Long.parseLong(current.get(0).getValue().toString());
		await(client.getKVClient().put(bytes(COUNTER), bytes(Long.toString(value + 1))));
		if (alone) {
			await(client.getKVClient().delete(inside));
		}
		return alone ? 0 : 1;
	}

}
