package io.github.etcdconfig.watch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A scheduler and clock for the watcher's policies, driven by the test: time moves only
 * when the test says, and a task runs only when its time has come.
 */
final class ManualScheduler implements EtcdWatchScheduler {

	private final List<Task> tasks = new ArrayList<>();

	private long now;

	private long sequence;

	@Override
	public Runnable schedule(Runnable task, long delayNanos) {
		Task scheduled = new Task(this.now + Math.max(0, delayNanos), this.sequence++, task);
		this.tasks.add(scheduled);
		return () -> this.tasks.remove(scheduled);
	}

	/**
	 * The tasks waiting to run.
	 * @return how many
	 */
	int pending() {
		return this.tasks.size();
	}

	long now() {
		return this.now;
	}

	/**
	 * Run every task that is due, in order, including those they schedule for now.
	 */
	void runDue() {
		while (true) {
			Task next = this.tasks.stream()
				.filter((task) -> task.at() <= this.now)
				.min(Comparator.comparingLong(Task::at).thenComparingLong(Task::sequence))
				.orElse(null);
			if (next == null) {
				return;
			}
			this.tasks.remove(next);
			next.runnable().run();
		}
	}

	/**
	 * Move the clock on and run what became due.
	 * @param nanos how far
	 */
	void advance(long nanos) {
		long until = this.now + nanos;
		while (true) {
			Task next = this.tasks.stream()
				.filter((task) -> task.at() <= until)
				.min(Comparator.comparingLong(Task::at).thenComparingLong(Task::sequence))
				.orElse(null);
			if (next == null) {
				break;
			}
			this.now = Math.max(this.now, next.at());
			this.tasks.remove(next);
			next.runnable().run();
		}
		this.now = until;
	}

	/**
	 * When the next task is due.
	 * @return nanoseconds from now, or -1 when nothing is scheduled
	 */
	long nextDelay() {
		return this.tasks.stream().mapToLong((task) -> task.at() - this.now).min().orElse(-1);
	}

	private record Task(long at, long sequence, Runnable runnable) {
	}

}
