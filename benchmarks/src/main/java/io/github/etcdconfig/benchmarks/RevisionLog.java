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

}
