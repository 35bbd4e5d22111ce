package io.github.etcdconfig.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each instance of a node first held each probe value, by {@link System#nanoTime()}.
 * Written by the instances' threads (jetcd's for the bare watches, the watchers' applier
 * threads for the starter), read by the node's command loop.
 */
final class ScaleArrivals {

	private final int instances;

	private final Map<Long, Slot> slots = new ConcurrentHashMap<>();

	ScaleArrivals(int instances) {
		this.instances = instances;
	}

	/**
	 * An instance holds a probe value; only its first arrival counts.
	 * @param instance the instance's index in the node
	 * @param sequence the probe value
	 * @param nanos when
	 */
	void record(int instance, long sequence, long nanos) {
		Slot slot = slot(sequence);
		if (slot.times.compareAndSet(instance, 0, nanos) && slot.count.incrementAndGet() == this.instances) {
			slot.all.countDown();
		}
	}

	/**
	 * Wait until every instance holds a probe value.
	 * @param sequence the probe value
	 * @param timeout how long to wait at most
	 * @return the arrival times, 0 for an instance that did not get it in time
	 */
	long[] await(long sequence, Duration timeout) throws InterruptedException {
		Slot slot = slot(sequence);
		slot.all.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		this.slots.remove(sequence);
		long[] times = new long[this.instances];
		for (int i = 0; i < times.length; i++) {
			times[i] = slot.times.get(i);
		}
		return times;
	}

	private Slot slot(long sequence) {
		return this.slots.computeIfAbsent(sequence, (key) -> new Slot(this.instances));
	}

	private static final class Slot {

		final AtomicLongArray times;

		final AtomicInteger count = new AtomicInteger();

		final CountDownLatch all = new CountDownLatch(1);

		Slot(int instances) {
			this.times = new AtomicLongArray(instances);
		}

	}

}
