package io.github.etcdconfig.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The sections that benchmarks run on their own ({@code -Pbenchmarks,verify},
 * {@code -Pbenchmarks,rollout}) write into {@code docs/benchmarks.md}, each between its
 * own begin and end markers, in the part of the file the main run keeps.
 */
final class Sections {

	private Sections() {
	}

	/**
	 * Write a section: replaced when its markers are there, else appended.
	 * @param file docs/benchmarks.md
	 * @param begin the section's first line, a comment
	 * @param end its last line, a comment
	 * @param section the section, markers included
	 * @throws Exception when the file cannot be read or written
	 */
	static void write(Path file, String begin, String end, String section) throws Exception {
		String text = Files.exists(file) ? Files.readString(file) : "";
		int from = text.indexOf(begin);
		int to = text.indexOf(end);
		if (from >= 0 && to > from) {
			text = text.substring(0, from) + section + text.substring(to + end.length());
		}
		else {
			text = text.stripTrailing() + "\n\n" + section + "\n";
		}
		Files.writeString(file, text);
	}

	/**
	 * Start a section: its begin marker, its title, and when and under what load which
	 * benchmark measured it, up to {@code "before it: "}.
	 * @param begin the section's begin marker
	 * @param title the section's title
	 * @param benchmark the benchmark's class name
	 * @param started when the run started
	 * @param loadBefore the load average before it
	 * @return the section so far
	 */
	static StringBuilder start(String begin, String title, String benchmark, ZonedDateTime started, String loadBefore) {
		return new StringBuilder().append(begin)
			.append("\n\n## ")
			.append(title)
			.append("\n\nMeasured by `")
			.append(benchmark)
			.append("` on ")
			.append(started.format(DateTimeFormatter.RFC_1123_DATE_TIME))
			.append(", load average ")
			.append(loadBefore)
			.append(" before it: ");
	}

	/**
	 * A row of a latency table: what, p50, p99, max.
	 * @param out the section
	 * @param what the first column
	 * @param latency the figures
	 */
	static void row(StringBuilder out, String what, Stats.Latency latency) {
		out.append(String.format(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1f ms |%n", what, latency.p50(),
				latency.p99(), latency.max()));
	}

}
