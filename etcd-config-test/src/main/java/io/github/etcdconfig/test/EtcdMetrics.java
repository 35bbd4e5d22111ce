package io.github.etcdconfig.test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

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
		return read(endpoint, null);
	}

	/**
	 * Read a member's metrics of one label, such as one gRPC method's
	 * ({@code grpc_method="LeaseKeepAlive"}).
	 * @param endpoint the member's client endpoint
	 * @param label the label and its value, as etcd writes it; {@code null} for all
	 * @return every metric with that label, by name, summed over its other labels
	 * @throws IOException when the member does not answer
	 */
	public static Map<String, Double> read(URI endpoint, @Nullable String label) throws IOException {
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
			if (label != null && (labels < 0 || !name.substring(labels).contains(label))) {
				continue;
			}
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
		return value(endpoint, name, null);
	}

	/**
	 * One metric of a member, of one label.
	 * @param endpoint the member's client endpoint
	 * @param name the metric's name
	 * @param label the label and its value, as etcd writes it, such as
	 * {@code grpc_method="LeaseKeepAlive"}; {@code null} for all
	 * @return its value (summed over its other labels), 0 when the member has none
	 */
	public static long value(URI endpoint, String name, @Nullable String label) {
		try {
			return read(endpoint, label).getOrDefault(name, 0.0).longValue();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the metrics of " + endpoint, ex);
		}
	}

}
