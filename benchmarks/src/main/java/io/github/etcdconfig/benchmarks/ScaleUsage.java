package io.github.etcdconfig.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdMember;
import io.github.etcdconfig.test.EtcdMetrics;

/**
 * What the etcd members and the node JVMs use, read from {@code /proc} (resident memory,
 * CPU time, established TCP connections) and from each member's {@code /metrics} (watch
 * streams, watchers, Go heap, bytes sent to clients).
 */
final class ScaleUsage {

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
					metric(metrics, EtcdMetrics.WATCH_STREAMS), metric(metrics, EtcdMetrics.WATCHERS),
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
		return memory(pid, "VmRSS:");
	}

	/**
	 * The most resident memory a process had. Go's own figure ({@code MaxRSS} of its heap
	 * profile) is no help for etcd: it was the same for every member, larger than any
	 * member's resident memory, as if it were the launching JVM's (Linux carries it
	 * across exec).
	 * @param pid the process
	 * @return bytes, 0 when it is gone
	 */
	static long highWaterMark(long pid) {
		return memory(pid, "VmHWM:");
	}

	private static long memory(long pid, String field) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
				if (line.startsWith(field)) {
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
		try {
			return EtcdMetrics.read(endpoint);
		}
		catch (IOException ex) {
			// Not answering: the figures stay 0.
			return Map.of();
		}
	}

	private static long metric(Map<String, Double> metrics, String name) {
		return metrics.getOrDefault(name, 0.0).longValue();
	}

}
