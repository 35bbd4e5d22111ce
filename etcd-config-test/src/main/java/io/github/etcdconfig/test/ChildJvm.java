package io.github.etcdconfig.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running a main class of the test class path, so that a test can do to a
 * whole process what only an operating system does: kill it with SIGKILL
 * ({@link #kill()}), or freeze it with SIGSTOP ({@link #freeze()}) so that it keeps its
 * sockets and leases but does nothing. Its output goes to a file, read by
 * {@link #awaitLine}; the main class tells what it reached by printing a line.
 */
public final class ChildJvm implements AutoCloseable {

	private final Process process;

	private final Path output;

	private ChildJvm(Process process, Path output) {
		this.process = process;
		this.output = output;
	}

	/**
	 * Start a main class of the test class path.
	 * @param main the class whose {@code main} to run
	 * @param args its arguments
	 * @return the running JVM
	 */
	public static ChildJvm start(Class<?> main, String... args) {
		return start(List.of(), main, args);
	}

	/**
	 * Start a main class of the test class path with JVM options of its own, for example
	 * a small heap when a test runs many children.
	 * @param options JVM options, before the main class
	 * @param main the class whose {@code main} to run
	 * @param args its arguments
	 * @return the running JVM
	 */
	public static ChildJvm start(List<String> options, Class<?> main, String... args) {
		try {
			Path output = Files.createTempFile("etcd-child-", ".log");
			List<String> command = new ArrayList<>(
					List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
							// Fast start-up for a short-lived JVM.
							"-XX:TieredStopAtLevel=1", "-Xshare:auto"));
			command.addAll(options);
			command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
			command.addAll(List.of(args));
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			return new ChildJvm(process, output);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start a child JVM", ex);
		}
	}

	/**
	 * Wait until the child printed a line starting with a prefix.
	 * @param prefix the start of the line
	 * @param timeout how long to wait
	 * @return that line
	 * @throws AssertionError when the child exits or the timeout passes first, with the
	 * end of its output
	 */
	public String awaitLine(String prefix, Duration timeout) {
		try {
			Waits.until(timeout, () -> line(prefix) != null || !this.process.isAlive(), () -> "");
		}
		catch (IllegalStateException ex) {
			throw new AssertionError("The child JVM did not print " + prefix + " within " + timeout + ":\n" + tail(),
					ex);
		}
		String line = line(prefix);
		if (line == null) {
			throw new AssertionError("The child JVM exited before it printed " + prefix + ":\n" + tail());
		}
		return line;
	}

	/** Kill the child with SIGKILL and wait until it is gone. */
	public void kill() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Wait for the child to exit on its own.
	 * @param timeout how long to wait
	 * @return its exit code
	 */
	public int awaitExit(Duration timeout) {
		try {
			if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("The child JVM did not exit within " + timeout + ":\n" + tail());
			}
			return this.process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Freeze the child with SIGSTOP: it keeps its sockets and leases but does nothing.
	 */
	public void freeze() {
		signal("STOP");
	}

	/** Thaw a frozen child with SIGCONT. */
	public void thaw() {
		signal("CONT");
	}

	private void signal(String signal) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(this.process.pid())).start();
			if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + signal + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The end of the child's output, for failure messages.
	 * @return its last 40 lines
	 */
	public String tail() {
		List<String> lines = lines();
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
	}

	/**
	 * Kill the child (thawed first, should it be frozen) and delete its output.
	 */
	@Override
	public void close() {
		if (this.process.isAlive()) {
			try {
				thaw();
			}
			catch (RuntimeException ex) {
				// Gone meanwhile.
			}
		}
		kill();
		try {
			Files.deleteIfExists(this.output);
		}
		catch (IOException ex) {
			// A temporary file.
		}
	}

	private String line(String prefix) {
		return lines().stream().filter((line) -> line.startsWith(prefix)).findFirst().orElse(null);
	}

	private List<String> lines() {
		try {
			return Files.readAllLines(this.output, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return List.of();
		}
	}

}
