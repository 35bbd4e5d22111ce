package io.github.etcdconfig.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * How long threads ran and how long they waited for a CPU while runnable, from Linux's
 * scheduler statistics ({@code /proc/<pid>/task/<tid>/schedstat}: nanoseconds on a CPU,
 * nanoseconds waiting on a run queue, times it was put on a CPU: its wake-ups, for a
 * thread that sleeps between tasks). Threads are grouped by name without their trailing
 * numbers (all of jetcd's {@code vert.x-eventloop-thread-N} together); a whole other
 * process counts as one group. Empty where there is no such file.
 */
final class SchedStats {

	private SchedStats() {
	}

	/**
	 * The totals now.
	 * @param pid a process
	 * @param name the group of all its threads, or {@code null} to group them by thread
	 * name
	 * @return per group, nanoseconds on a CPU, nanoseconds waiting for one and the times
	 * it was put on a CPU
	 */
	static Map<String, long[]> read(long pid, String name) {
		Map<String, long[]> groups = new TreeMap<>();
		try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
			tasks.forEach((task) -> {
				try {
					String[] fields = Files.readString(task.resolve("schedstat")).trim().split(" ");
					String group = (name != null) ? name
							: Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+$", "");
					long[] total = groups.computeIfAbsent(group, (key) -> new long[3]);
					for (int i = 0; i < total.length; i++) {
						total[i] += Long.parseLong(fields[i]);
					}
				}
				catch (IOException | RuntimeException ex) {
					// The thread ended meanwhile: it counts no more.
				}
			});
		}
		catch (IOException ex) {
			return groups;
		}
		return groups;
	}

	/**
	 * What each group used between two readings, per event.
	 * @param before the first reading
	 * @param after the second
	 * @param events how many events happened in between
	 * @return per group, microseconds on a CPU and microseconds waiting for one, per
	 * event
	 */
	static Map<String, double[]> perEvent(Map<String, long[]> before, Map<String, long[]> after, int events) {
		Map<String, double[]> used = new TreeMap<>();
		after.forEach((group, total) -> {
			long[] start = before.getOrDefault(group, new long[3]);
			used.put(group,
					new double[] { (total[0] - start[0]) / 1e3 / events, (total[1] - start[1]) / 1e3 / events });
		});
		return used;
	}

}
