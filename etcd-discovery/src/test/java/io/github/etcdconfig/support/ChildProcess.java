package io.github.etcdconfig.support;

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

import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

import static org.awaitility.Awaitility.await;

/**
 * A second JVM running {@link ChildMain} on the test classpath, so a test can kill a
 * process with SIGKILL ({@link Process#destroyForcibly()}) and watch what etcd does about
 * it.
 */
public final class ChildProcess implements AutoCloseable {

	private final Process process;

	private final Path output;

	private ChildProcess(Process process, Path output) {
		this.process = process;
		this.output = output;
	}

	/**
	 * Start {@link ChildMain} with these arguments; its output goes to a file, read by
	 * {@link #awaitLine}.
	 */
	public static ChildProcess start(String... args) {
		try {
			Path output = Files.createTempFile("etcd-discovery-child-", ".log");
			List<String> command = new ArrayList<>(
					List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
							// Fast start-up for a short-lived JVM.
							"-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
							ChildMain.class.getName()));
			command.addAll(List.of(args));
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			return new ChildProcess(process, output);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start a child JVM", ex);
		}
	}

	/**
	 * Wait until the child printed a line starting with {@code prefix}.
	 * @return that line
	 */
	public String awaitLine(String prefix, Duration timeout) {
		try {
			return await().atMost(timeout)
				.pollInterval(Duration.ofMillis(50))
				.failFast(() -> !this.process.isAlive() && line(prefix) == null)
				.until(() -> line(prefix), (line) -> line != null);
		}
		catch (ConditionTimeoutException | TerminalFailureException ex) {
			throw new AssertionError("The child JVM did not print " + prefix
					+ (this.process.isAlive() ? "" : " and exited") + ":\n" + tail(), ex);
		}
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

	/** Wait for the child to exit on its own. */
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

	/** The end of the child's output, for failure messages. */
	public String tail() {
		List<String> lines = lines();
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
	}

	@Override
	public void close() {
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
