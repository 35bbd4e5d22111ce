package io.github.etcdconfig.test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A member's Prometheus metrics ({@code /metrics} on its client port, plain HTTP), by
 * name; a metric with labels (by gRPC method, by service) is summed over them. etcd 3.4
 * counts watch streams in {@value #WATCH_STREAMS} and watchers in {@value #WATCHERS}.
 */
public final class EtcdMetrics {

	/** Watch streams open on the member, a gauge. */
	public static final String WATCH_STREAMS = "etcd_debugging_mvcc_watch_stream_total";

	/** Watchers on those streams, a gauge. */
	public static final String WATCHERS = "etcd_debugging_mvcc_watcher_total";

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private EtcdMetrics() {
	}

	/**
	 * Read a member's metrics.
	 * @param endpoint the member's client endpoint
	 * @return every metric, by name
	 * @throws IOException when the member does not answer
	 */
	public static Map<String, Double> read(URI endpoint) throws IOException {
		String body;
		try {
			body = HTTP
				.send(HttpRequest.newBuilder(endpoint.resolve("/metrics")).timeout(Duration.ofSeconds(5)).build(),
						HttpResponse.BodyHandlers.ofString())
				.body();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while reading the metrics of " + endpoint, ex);
		}
		Map<String, Double> metrics = new HashMap<>();
		for (String line : body.split("\n")) {
			if (line.startsWith("#") || line.isBlank()) {
				continue;
			}
			int space = line.lastIndexOf(' ');
			String name = line.substring(0, space);
			int labels = name.indexOf('{');
			metrics.merge((labels < 0) ? name : name.substring(0, labels),
					Double.parseDouble(line.substring(space + 1)), Double::sum);
		}
		return metrics;
	}

	/**
	 * One metric of a member.
	 * @param endpoint the member's client endpoint
	 * @param name the metric's name
	 * @return its value (summed over its labels), 0 when the member has none
	 */
	public static long value(URI endpoint, String name) {
		try {
			return read(endpoint).getOrDefault(name, 0.0).longValue();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the metrics of " + endpoint, ex);
		}
	}

}
