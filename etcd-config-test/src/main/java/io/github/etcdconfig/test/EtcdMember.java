package io.github.etcdconfig.test;

import io.etcd.jetcd.api.StatusResponse;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * One etcd member of an {@link EtcdCluster}: a local etcd process with fixed ports and
 * its own data directory, which tests can kill, stop, restart, pause and resume. A member
 * that runs in Docker (the Testcontainers fallback) only offers {@link #name()},
 * {@link #clientEndpoint()} and {@link #isRunning()}.
 */
public final class EtcdMember {

	static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(5);

	private static final int LOG_TAIL_LINES = 30;

	private final String name;

	private final URI clientEndpoint;

	private final URI peerEndpoint;

	private final Path logFile;

	private final List<String> command;

	private final SslContext probeSslContext;

	private final AutoCloseable container;

	private final BooleanSupplier containerRunning;

	private volatile Process process;

	private volatile boolean paused;

	private EtcdMember(String name, URI clientEndpoint, URI peerEndpoint, Path logFile, List<String> command,
			SslContext probeSslContext, AutoCloseable container, BooleanSupplier containerRunning) {
		this.name = name;
		this.clientEndpoint = clientEndpoint;
		this.peerEndpoint = peerEndpoint;
		this.logFile = logFile;
		this.command = command;
		this.probeSslContext = probeSslContext;
		this.container = container;
		this.containerRunning = containerRunning;
	}

	/**
	 * A local member; {@code command} is the full etcd command line except
	 * {@code --initial-cluster-state}.
	 */
	static EtcdMember local(String name, URI clientEndpoint, URI peerEndpoint, Path logFile, List<String> command,
			SslContext probeSslContext) {
		return new EtcdMember(name, clientEndpoint, peerEndpoint, logFile, List.copyOf(command), probeSslContext, null,
				null);
	}

	/**
	 * A member running in an already started Docker container, closed by
	 * {@link #shutdown()}.
	 */
	static EtcdMember inContainer(String name, URI clientEndpoint, AutoCloseable container, BooleanSupplier running) {
		return new EtcdMember(name, clientEndpoint, null, null, List.of(), null, container, running);
	}

	/** The etcd member name ({@code --name}). */
	public String name() {
		return name;
	}

	/** The client URL, {@code http://127.0.0.1:port} or {@code https://...} with TLS. */
	public URI clientEndpoint() {
		return clientEndpoint;
	}

	/** The peer URL; {@code null} for a member running in Docker. */
	public URI peerEndpoint() {
		return peerEndpoint;
	}

	/**
	 * How many range (read) requests this member has served since it started, from its
	 * Prometheus metrics ({@code etcd_mvcc_range_total}): which member a read went to.
	 * Plain members only (the metrics are read over http).
	 */
	public long rangesServed() {
		return EtcdMetrics.value(clientEndpoint, "etcd_mvcc_range_total");
	}

	/** The process id of the current (or last) etcd process of this member. */
	public long pid() {
		return requireProcess("pid").pid();
	}

	/** Whether the etcd process is alive (a paused process is alive). */
	public boolean isRunning() {
		if (container != null) {
			return containerRunning.getAsBoolean();
		}
		Process current = process;
		return current != null && current.isAlive();
	}

	/** Whether the process is stopped by {@link #pause()} and not resumed yet. */
	public boolean isPaused() {
		return paused && isRunning();
	}

	/**
	 * Kills the process with SIGKILL (no chance to flush or leave the cluster) and waits
	 * until it is gone.
	 */
	public void kill() {
		Process current = requireProcess("kill");
		current.destroyForcibly();
		awaitExit(current);
	}

	/**
	 * Stops the process gracefully with SIGTERM and waits until it is gone; falls back to
	 * SIGKILL after 10 s.
	 */
	public void stop() {
		Process current = requireProcess("stop");
		current.destroy();
		if (paused) {
			// a stopped process keeps SIGTERM pending until it runs again
			signal(current, "CONT");
		}
		try {
			if (!current.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				current.destroyForcibly();
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			current.destroyForcibly();
		}
		awaitExit(current);
	}

	/**
	 * Restarts a killed or stopped member with the same ports and data directory, so its
	 * data and cluster membership survive, and waits until it answers. A cluster member
	 * only answers once a quorum is up: to restart a whole cluster, use
	 * {@link EtcdCluster#start()}, which restarts every stopped member at once.
	 */
	public void start() {
		requireProcess("start");
		if (isRunning()) {
			throw new IllegalStateException(name + " is already running");
		}
		launch(true);
		awaitAnswering(List.of(this));
	}

	/**
	 * Freezes the process with SIGSTOP: it keeps its sockets open but answers nothing (a
	 * hung member).
	 */
	public void pause() {
		Process current = requireProcess("pause");
		signal(current, "STOP");
		paused = true;
		awaitProcessState(current, true);
	}

	/** Lets a paused process run again with SIGCONT. */
	public void resume() {
		Process current = requireProcess("resume");
		signal(current, "CONT");
		paused = false;
		awaitProcessState(current, false);
	}

	@Override
	public String toString() {
		return name + "(" + clientEndpoint + ")";
	}

	void launch(boolean restart) {
		List<String> commandLine = new ArrayList<>(command);
		commandLine.add("--initial-cluster-state=" + (restart ? "existing" : "new"));
		ProcessBuilder builder = new ProcessBuilder(commandLine).redirectErrorStream(true)
			.redirectOutput(restart ? Redirect.appendTo(logFile.toFile()) : Redirect.to(logFile.toFile()));
		// etcd reads ETCD_* variables as flags: a developer's shell must not change the
		// test members
		builder.environment().keySet().removeIf(variable -> variable.startsWith("ETCD_"));
		try {
			Process started = builder.start();
			LiveResources.track(started);
			started.getOutputStream().close();
			paused = false;
			process = started;
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot start " + String.join(" ", commandLine), e);
		}
	}

	/**
	 * Waits until every member answers a status request. Fails as soon as one of them
	 * exits, since the others may never answer without it (no quorum).
	 */
	static void awaitAnswering(List<EtcdMember> starting) {
		Set<EtcdMember> answering = new HashSet<>();
		Waits.until(READY_TIMEOUT, () -> {
			for (EtcdMember member : starting) {
				Process current = member.process;
				if (!current.isAlive()) {
					throw new IllegalStateException(
							member.name + " exited with code " + current.exitValue() + member.logTail());
				}
				if (!answering.contains(member) && member.status().isPresent()) {
					answering.add(member);
				}
			}
			return answering.size() == starting.size();
		}, () -> starting.stream()
			.filter(member -> !answering.contains(member))
			.map(member -> member.name + " did not answer within " + READY_TIMEOUT + member.logTail())
			.collect(Collectors.joining("\n")));
	}

	/**
	 * The member's status, or empty when it does not answer within
	 * {@link StatusProbe#TIMEOUT}.
	 */
	Optional<StatusResponse> status() {
		return StatusProbe.status(clientEndpoint, probeSslContext);
	}

	/**
	 * Whether the log says etcd could not bind a port (another process took a port picked
	 * as free).
	 */
	boolean failedToBind() {
		return logFile != null && failedToBind(logFile);
	}

	/**
	 * Whether an etcd process's log says it could not bind a port.
	 * @param logFile the process's log
	 * @return whether a port it was given was taken
	 */
	static boolean failedToBind(Path logFile) {
		return readLog(logFile).contains("address already in use");
	}

	/** Kills the process or closes the container; used by {@link EtcdCluster#close()}. */
	void shutdown() {
		if (container != null) {
			try {
				container.close();
			}
			catch (Exception e) {
				throw new IllegalStateException("Cannot stop the etcd container", e);
			}
		}
		else if (process != null) {
			kill();
		}
	}

	String logTail() {
		return logFile == null ? "" : logTail(logFile);
	}

	/** The last lines of a process's log, to end a message with. */
	static String logTail(Path logFile) {
		List<String> lines = readLog(logFile).lines().toList();
		List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
		return "\n--- last lines of " + logFile + " ---\n" + String.join("\n", tail);
	}

	private static String readLog(Path logFile) {
		try {
			return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
		}
		catch (IOException e) {
			return "(cannot read " + logFile + ": " + e + ")";
		}
	}

	private Process requireProcess(String operation) {
		if (container != null) {
			throw new UnsupportedOperationException(operation + " is not possible: " + name
					+ " runs in Docker because no local etcd binary was found; install etcd-server or set ETCD_BIN");
		}
		Process current = process;
		if (current == null) {
			throw new IllegalStateException(name + " was never started");
		}
		return current;
	}

	private void awaitExit(Process current) {
		Waits.until(EXIT_TIMEOUT, () -> !current.isAlive(), () -> name + " (pid " + current.pid() + ") did not exit");
		paused = false;
	}

	private void signal(Process current, String signal) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(current.pid()))
				.redirectErrorStream(true)
				.start();
			if (!kill.waitFor(SIGNAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
				kill.destroyForcibly();
				throw new IllegalStateException("kill -" + signal + " " + current.pid() + " failed");
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot run kill -" + signal, e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while sending SIG" + signal, e);
		}
	}

	/**
	 * Waits until the kernel reports the process as stopped or not; skipped where there
	 * is no /proc.
	 */
	private void awaitProcessState(Process current, boolean stopped) {
		Path stat = Path.of("/proc", Long.toString(current.pid()), "stat");
		if (!Files.exists(stat)) {
			return;
		}
		Waits.until(SIGNAL_TIMEOUT, () -> !current.isAlive() || isStopped(stat) == stopped,
				() -> name + " did not " + (stopped ? "stop" : "continue"));
	}

	private static boolean isStopped(Path stat) {
		try {
			String content = Files.readString(stat);
			// format: "pid (comm) S ...": the state follows the last ')' because comm may
			// contain spaces
			char state = content.charAt(content.lastIndexOf(')') + 2);
			return state == 'T' || state == 't';
		}
		catch (IOException e) {
			return false;
		}
	}

}
