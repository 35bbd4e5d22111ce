package io.github.etcdconfig.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdMember;

/**
 * What the etcd members and the node JVMs use, read from {@code /proc} (resident memory,
 * CPU time, established TCP connections) and from each member's {@code /metrics} (watch
 * streams, watchers, Go heap, bytes sent to clients).
 */
final class ScaleUsage {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private ScaleUsage() {
	}

	/**
	 * One member at one moment.
	 *
	 * @param name the member's name
	 * @param pid its process
	 * @param rss resident memory, bytes
	 * @param heap Go heap in use, bytes
	 * @param connections established client connections (TCP, to its client port)
	 * @param streams watch streams
	 * @param watchers watchers on those streams
	 * @param slowWatchers watchers that fell behind and are synced in batches
	 * @param sentBytes bytes sent to clients over gRPC since it started
	 * @param cpuNanos CPU time since it started
	 */
	record Member(String name, long pid, long rss, long heap, int connections, long streams, long watchers,
			long slowWatchers, long sentBytes, long cpuNanos) {
	}

	static List<Member> sample(EtcdCluster cluster) {
		Map<Integer, Integer> established = establishedByLocalPort();
		List<Member> members = new ArrayList<>();
		for (EtcdMember member : cluster.members()) {
			if (!member.isRunning()) {
				continue;
			}
			long pid = member.pid();
			Map<String, Double> metrics = metrics(member.clientEndpoint());
			members.add(new Member(member.name(), pid, rss(pid), metric(metrics, "go_memstats_heap_inuse_bytes"),
					established.getOrDefault(member.clientEndpoint().getPort(), 0),
					metric(metrics, "etcd_debugging_mvcc_watch_stream_total"),
					metric(metrics, "etcd_debugging_mvcc_watcher_total"),
					metric(metrics, "etcd_debugging_mvcc_slow_watcher_total"),
					metric(metrics, "etcd_network_client_grpc_sent_bytes_total"), cpuNanos(pid)));
		}
		return members;
	}

	/**
	 * CPU time of a process.
	 * @param pid the process
	 * @return nanoseconds of user and system time, 0 when it is gone
	 */
	static long cpuNanos(long pid) {
		return ProcessHandle.of(pid)
			.flatMap((process) -> process.info().totalCpuDuration())
			.map(Duration::toNanos)
			.orElse(0L);
	}

	static long rss(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
				}
			}
		}
		catch (IOException ex) {
			// Gone.
		}
		return 0;
	}

	/**
	 * Established TCP sockets by local port, IPv4 and IPv6: a member's client port counts
	 * its client connections.
	 * @return local port to count
	 */
	static Map<Integer, Integer> establishedByLocalPort() {
		Map<Integer, Integer> counts = new HashMap<>();
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			try {
				for (String line : Files.readAllLines(Path.of(table))) {
					String[] fields = line.trim().split("\\s+");
					// sl local_address rem_address st ...; 01 is ESTABLISHED.
					if (fields.length > 3 && "01".equals(fields[3])) {
						String local = fields[1];
						int port = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16);
						counts.merge(port, 1, Integer::sum);
					}
				}
			}
			catch (IOException ex) {
				// No such table on this machine.
			}
		}
		return counts;
	}

	private static Map<String, Double> metrics(URI endpoint) {
		Map<String, Double> metrics = new HashMap<>();
		try {
			String body = HTTP
				.send(HttpRequest.newBuilder(endpoint.resolve("/metrics")).timeout(Duration.ofSeconds(5)).build(),
						HttpResponse.BodyHandlers.ofString())
				.body();
			for (String line : body.split("\n")) {
				if (line.startsWith("#") || line.isBlank()) {
					continue;
				}
				int space = line.lastIndexOf(' ');
				String name = line.substring(0, space);
				int labels = name.indexOf('{');
				// Counters with labels (by gRPC method or service) are summed.
				metrics.merge((labels < 0) ? name : name.substring(0, labels),
						Double.parseDouble(line.substring(space + 1)), Double::sum);
			}
		}
		catch (IOException ex) {
			// Not answering: the figures stay 0.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return metrics;
	}

	private static long metric(Map<String, Double> metrics, String name) {
		return metrics.getOrDefault(name, 0.0).longValue();
	}

}
