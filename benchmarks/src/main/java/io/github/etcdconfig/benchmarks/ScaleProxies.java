package io.github.etcdconfig.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * etcd's gRPC proxies ({@code etcd grpc-proxy start}) in front of a cluster: each holds
 * one client to the cluster and merges the watchers of its clients that watch the same
 * range from a compatible revision into one watcher.
 */
final class ScaleProxies implements AutoCloseable {

	private static final long READY_MILLIS = 20_000;

	private final List<Process> processes = new ArrayList<>();

	private final List<URI> endpoints = new ArrayList<>();

	private ScaleProxies() {
	}

	/**
	 * Start proxies on free loopback ports and wait until each takes connections.
	 * @param count how many
	 * @param members the cluster's client URLs
	 * @param logs where each proxy's output goes
	 * @return the proxies
	 */
	static ScaleProxies start(int count, List<URI> members, Path logs) throws IOException, InterruptedException {
		ScaleProxies proxies = new ScaleProxies();
		String cluster = members.stream()
			.map((member) -> member.getHost() + ":" + member.getPort())
			.collect(Collectors.joining(","));
		for (int i = 0; i < count; i++) {
			int port;
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				port = socket.getLocalPort();
			}
			String address = "127.0.0.1:" + port;
			proxies.processes.add(new ProcessBuilder(etcd(), "grpc-proxy", "start", "--endpoints=" + cluster,
					"--listen-addr=" + address, "--advertise-client-url=" + address)
				.redirectErrorStream(true)
				.redirectOutput(logs.resolve("scale-proxy-" + i + ".log").toFile())
				.start());
			proxies.endpoints.add(URI.create("http://" + address));
		}
		for (URI endpoint : proxies.endpoints) {
			awaitListening(endpoint);
		}
		return proxies;
	}

	String endpointsProperty() {
		return this.endpoints.stream().map(URI::toString).collect(Collectors.joining(","));
	}

	List<Long> pids() {
		return this.processes.stream().map(Process::pid).toList();
	}

	@Override
	public void close() {
		this.processes.forEach(Process::destroy);
		for (Process process : this.processes) {
			try {
				if (!process.waitFor(10, TimeUnit.SECONDS)) {
					process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				process.destroyForcibly();
			}
		}
	}

	private static void awaitListening(URI endpoint) throws InterruptedException {
		long deadline = System.currentTimeMillis() + READY_MILLIS;
		while (true) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 500);
				return;
			}
			catch (IOException ex) {
				if (System.currentTimeMillis() > deadline) {
					throw new IllegalStateException("The gRPC proxy at " + endpoint + " did not start", ex);
				}
				Thread.sleep(100);
			}
		}
	}

	// As the test launcher finds it: etcd.bin, ETCD_BIN, then /usr/bin/etcd, then the
	// PATH.
	private static String etcd() {
		String configured = System.getProperty("etcd.bin", System.getenv("ETCD_BIN"));
		if (configured != null && !configured.isBlank()) {
			return configured;
		}
		return Files.isExecutable(Path.of("/usr/bin/etcd")) ? "/usr/bin/etcd" : "etcd";
	}

}
