package io.github.etcdconfig.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * When each etcd revision arrived, to tell when a final revision was reached.
 */
class RevisionLog {

	private final List<long[]> arrivals = new ArrayList<>();

	synchronized void add(long revision) {
		this.arrivals.add(new long[] { revision, System.nanoTime() });
	}

	synchronized void clear() {
		this.arrivals.clear();
	}

	synchronized int count() {
		return this.arrivals.size();
	}

	/**
	 * When the first arrival at or past a revision happened.
	 * @param revision the revision
	 * @return its {@link System#nanoTime()}, or {@code null} while none came
	 */
	synchronized Long reached(long revision) {
		for (long[] arrival : this.arrivals) {
			if (arrival[0] >= revision) {
				return arrival[1];
			}
		}
		return null;
	}

	/**
	 * When the first arrival at or past each revision happened, for many revisions at
	 * once.
	 * @param revisions the revisions
	 * @return for each, its {@link System#nanoTime()}, or {@link Long#MIN_VALUE} when
	 * none came
	 */
	synchronized long[] reached(long[] revisions) {
		int n = this.arrivals.size();
		// The highest revision so far, which only grows: the first arrival at or past a
		// revision is found by
		// bisection.
		long[] highest = new long[n];
		for (int i = 0; i < n; i++) {
			highest[i] = Math.max(this.arrivals.get(i)[0], (i > 0) ? highest[i - 1] : Long.MIN_VALUE);
		}
		long[] times = new long[revisions.length];
		for (int r = 0; r < revisions.length; r++) {
			int low = 0;
			int high = n;
			while (low < high) {
				int middle = (low + high) >>> 1;
				if (highest[middle] >= revisions[r]) {
					high = middle;
				}
				else {
					low = middle + 1;
				}
			}
			times[r] = (low < n) ? this.arrivals.get(low)[1] : Long.MIN_VALUE;
		}
		return times;
	}

	/**
	 * How many arrivals happened in a span of time.
	 * @param from the {@link System#nanoTime()} it starts at, included
	 * @param to the {@link System#nanoTime()} it ends at, excluded
	 * @return the count
	 */
	synchronized int count(long from, long to) {
		return (int) this.arrivals.stream().filter((arrival) -> arrival[1] >= from && arrival[1] < to).count();
	}

}
