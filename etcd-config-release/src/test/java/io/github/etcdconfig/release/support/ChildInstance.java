package io.github.etcdconfig.release.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * An instance of an application in a JVM of its own, so a test can freeze it with SIGSTOP
 * as a hung process would be, and thaw it with SIGCONT.
 */
public final class ChildInstance implements AutoCloseable {

	private final Process process;

	private final Path output;

	private ChildInstance(Process process, Path output) {
		this.process = process;
		this.output = output;
	}

	/**
	 * Start an instance; it prints {@code READY} once registered.
	 * @param endpoints the etcd endpoints
	 * @param name spring.application.name
	 * @param properties more properties, name=value
	 * @return the instance
	 */
	public static ChildInstance start(String endpoints, String name, String... properties) {
		try {
			Path output = Files.createTempFile("etcd-release-child-", ".log");
			List<String> command = new ArrayList<>(
					List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
							"-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
							ChildInstance.class.getName(), endpoints, name));
			command.addAll(List.of(properties));
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			return new ChildInstance(process, output);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start a child JVM", ex);
		}
	}

	public static void main(String[] args) throws Exception {
		String[] properties = new String[args.length - 2];
		System.arraycopy(args, 2, properties, 0, properties.length);
		ConfigurableApplicationContext app = Apps.run(args[0], args[1], properties);
		System.out.println("READY " + app.getId());
		new CountDownLatch(1).await();
	}

	/**
	 * Wait until the instance has started.
	 * @param timeout how long to wait
	 */
	public void awaitReady(Duration timeout) {
		await().atMost(timeout)
			.pollInterval(Duration.ofMillis(50))
			.failFast("the child JVM exited:\n" + lines(), () -> !this.process.isAlive())
			.until(() -> lines().contains("READY"));
	}

	/**
	 * Freeze the instance with SIGSTOP: it keeps its sockets and lease but does nothing.
	 */
	public void freeze() {
		signal("STOP");
	}

	/** Thaw a frozen instance with SIGCONT. */
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

	private String lines() {
		try {
			return Files.readString(this.output, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	@Override
	public void close() {
		thawQuietly();
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
			Files.deleteIfExists(this.output);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (IOException ex) {
			// A temporary file.
		}
	}

	private void thawQuietly() {
		try {
			thaw();
		}
		catch (RuntimeException ex) {
			// Already gone.
		}
	}

}
