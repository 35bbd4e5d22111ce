package io.github.etcdconfig.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/**
 * etcd's gRPC proxy ({@code etcd grpc-proxy start}) in front of a plain
 * {@link EtcdCluster}: one local process on a free loopback port, which tests can stop
 * and start again on the same port. The proxy holds one client of the cluster, merges the
 * watches of its own clients that watch the same range, and serves them what the cluster
 * sends.
 */
public final class EtcdGrpcProxy implements AutoCloseable {

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);

	private static final int START_ATTEMPTS = 3;

	private final EtcdCluster cluster;

	private final URI endpoint;

	private final Path logFile;

	private volatile Process process;

	private EtcdGrpcProxy(EtcdCluster cluster, URI endpoint, Path logFile) {
		this.cluster = cluster;
		this.endpoint = endpoint;
		this.logFile = logFile;
	}

	/**
	 * Starts a proxy in front of every member of a started cluster and waits (up to 20 s)
	 * until it answers a status request, which it forwards to the cluster.
	 * @param cluster a started cluster of local members, without TLS
	 * @return the proxy
	 */
	public static EtcdGrpcProxy start(EtcdCluster cluster) {
		return start(cluster, () -> EtcdCluster.freePorts(1).get(0));
	}

	/**
	 * Starts a proxy on a port from {@code ports}. A port picked as free can be taken by
	 * another process before the proxy binds it: the proxy then starts on the next port,
	 * as a cluster's members do, at most {@value #START_ATTEMPTS} times. A restart
	 * ({@link #start()} after {@link #stop()}) keeps its port, which clients were given,
	 * and fails when it was taken.
	 */
	static EtcdGrpcProxy start(EtcdCluster cluster, IntSupplier ports) {
		if (cluster.tls() != null) {
			throw new IllegalArgumentException("The gRPC proxy launcher supports clusters without TLS only");
		}
		for (int attempt = 1;; attempt++) {
			Path logFile;
			try {
				logFile = Files.createTempFile(cluster.baseDir(), "grpc-proxy-", ".log");
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot create the log file of a gRPC proxy", ex);
			}
			EtcdGrpcProxy proxy = new EtcdGrpcProxy(cluster, URI.create("http://127.0.0.1:" + ports.getAsInt()),
					logFile);
			try {
				proxy.start();
				return proxy;
			}
			catch (RuntimeException ex) {
				try {
					proxy.stop();
				}
				catch (RuntimeException stopFailure) {
					ex.addSuppressed(stopFailure);
					throw ex;
				}
				if (attempt == START_ATTEMPTS || !EtcdMember.failedToBind(logFile)) {
					throw ex;
				}
			}
		}
	}

	/** The proxy's client URL, ready for {@code etcd.endpoints=...}. */
	public URI endpoint() {
		return this.endpoint;
	}

	/**
	 * The proxy's process id, for reading its CPU and memory from {@code /proc}.
	 * @return the id of the process started last
	 */
	public long pid() {
		Process current = this.process;
		if (current == null) {
			throw new IllegalStateException("The gRPC proxy at " + this.endpoint + " was never started");
		}
		return current.pid();
	}

	/** Whether the proxy process is alive. */
	public boolean isRunning() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/**
	 * Starts a stopped proxy again on the same port, and waits until it answers.
	 */
	public synchronized void start() {
		if (isRunning()) {
			throw new IllegalStateException("The gRPC proxy at " + this.endpoint + " is already running");
		}
		String members = this.cluster.clientEndpoints()
			.stream()
			.map((member) -> member.getHost() + ":" + member.getPort())
			.collect(Collectors.joining(","));
		String address = this.endpoint.getHost() + ":" + this.endpoint.getPort();
		List<String> command = List.of(EtcdBinary.path().toString(), "grpc-proxy", "start", "--endpoints=" + members,
				"--listen-addr=" + address, "--advertise-client-url=" + address);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(Redirect.appendTo(this.logFile.toFile()));
		// etcd reads ETCD_* variables as flags: a developer's shell must not change the
		// proxy
		builder.environment().keySet().removeIf((variable) -> variable.startsWith("ETCD_"));
		try {
			Process started = builder.start();
			LiveResources.track(started);
			started.getOutputStream().close();
			this.process = started;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + String.join(" ", command), ex);
		}
		Process started = this.process;
		Waits.until(EtcdMember.READY_TIMEOUT, () -> {
			if (!started.isAlive()) {
				throw new IllegalStateException("The gRPC proxy exited with code " + started.exitValue() + logTail());
			}
			return StatusProbe.status(this.endpoint, null).isPresent();
		}, () -> "The gRPC proxy at " + this.endpoint + " did not answer within " + EtcdMember.READY_TIMEOUT
				+ logTail());
	}

	/**
	 * Stops the proxy with SIGTERM and waits until it is gone (SIGKILL after 10 s).
	 */
	public synchronized void stop() {
		Process current = this.process;
		if (current == null || !current.isAlive()) {
			return;
		}
		current.destroy();
		try {
			if (!current.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				current.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			current.destroyForcibly();
		}
		Waits.until(EXIT_TIMEOUT, () -> !current.isAlive(),
				() -> "The gRPC proxy (pid " + current.pid() + ") did not exit");
	}

	/**
	 * Stops the proxy; its log stays in the cluster's directory until the cluster is
	 * closed.
	 */
	@Override
	public void close() {
		stop();
	}

	@Override
	public String toString() {
		return "EtcdGrpcProxy(" + this.endpoint + ")";
	}

	private String logTail() {
		return EtcdMember.logTail(this.logFile);
	}

}
