package io.github.etcdconfig.benchmarks;

import java.util.Arrays;

/**
 * Summaries of measured durations, in milliseconds.
 */
final class Stats {

	private Stats() {
	}

	/**
	 * Percentiles of a latency distribution.
	 *
	 * @param samples how many were measured
	 * @param p50 the median
	 * @param p99 the 99th percentile, nearest rank
	 * @param max the largest
	 */
	record Latency(int samples, double p50, double p99, double max) {

		static Latency of(long[] nanos, int count) {
			long[] sorted = Arrays.copyOf(nanos, count);
			Arrays.sort(sorted);
			return new Latency(count, millis(rank(sorted, 0.50)), millis(rank(sorted, 0.99)),
					millis(sorted[count - 1]));
		}

		// Nearest rank: the smallest value with at least p of the samples at or below it.
		private static long rank(long[] sorted, double p) {
			return sorted[(int) Math.ceil(p * sorted.length) - 1];
		}

	}

	/**
	 * Repeated measurements of one operation: milliseconds, or a count for
	 * {@link #ofCounts}.
	 *
	 * @param runs how many were measured
	 * @param median the median
	 * @param min the fastest
	 * @param max the slowest
	 */
	record Runs(int runs, double median, double min, double max) {

		static Runs of(long[] nanos) {
			return of(nanos, 1_000_000.0);
		}

		static Runs ofCounts(long[] counts) {
			return of(counts, 1);
		}

		private static Runs of(long[] values, double unit) {
			long[] sorted = values.clone();
			Arrays.sort(sorted);
			int n = sorted.length;
			double median = (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
			return new Runs(n, median / unit, sorted[0] / unit, sorted[n - 1] / unit);
		}

	}

	static double millis(long nanos) {
		return nanos / 1_000_000.0;
	}

}
