package io.github.etcdconfig.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

/**
 * Writes to etcd from tests, each call with a deadline.
 */
public final class Etcd implements AutoCloseable {

	private final Client client;

	public Etcd(Client client) {
		this.client = client;
	}

	public Client client() {
		return this.client;
	}

	/**
	 * Close the client, for example through JUnit's {@code @AutoClose}.
	 */
	@Override
	public void close() {
		this.client.close();
	}

	/**
	 * Put a key.
	 * @return the revision of the put
	 */
	public long put(String key, String value) {
		return put(key, value.getBytes(StandardCharsets.UTF_8));
	}

	public long put(String key, byte[] value) {
		PutResponse response = await(this.client.getKVClient().put(bytes(key), ByteSequence.from(value)));
		return response.getHeader().getRevision();
	}

	/**
	 * Put a key with a deadline of its own.
	 * @return the revision of the put
	 */
	public long put(String key, String value, Duration timeout) {
		return await(this.client.getKVClient().put(bytes(key), bytes(value)), timeout).getHeader().getRevision();
	}

	public long delete(String key) {
		return await(this.client.getKVClient().delete(bytes(key))).getHeader().getRevision();
	}

	public long deletePrefix(String prefix) {
		return await(this.client.getKVClient().delete(bytes(prefix), DeleteOption.builder().isPrefix(true).build()))
			.getHeader()
			.getRevision();
	}

	/**
	 * Put several keys in one transaction, so they share one revision.
	 * @param keysAndValues key, value, key, value...
	 * @return the revision
	 */
	public long putAll(String... keysAndValues) {
		Op[] ops = new Op[keysAndValues.length / 2];
		for (int i = 0; i < ops.length; i++) {
			ops[i] = Op.put(bytes(keysAndValues[2 * i]), bytes(keysAndValues[2 * i + 1]), PutOption.DEFAULT);
		}
		return await(this.client.getKVClient().txn().Then(ops).commit()).getHeader().getRevision();
	}

	/**
	 * The keys and values under a prefix.
	 * @param prefix the prefix
	 * @return key to value
	 */
	public Map<String, String> getPrefix(String prefix) {
		Map<String, String> result = new TreeMap<>();
		await(this.client.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).build())).getKvs()
			.forEach((kv) -> result.put(kv.getKey().toString(StandardCharsets.UTF_8),
					kv.getValue().toString(StandardCharsets.UTF_8)));
		return result;
	}

	public long compact(long revision) {
		await(this.client.getKVClient().compact(revision));
		return revision;
	}

	public long revision() {
		return await(this.client.getKVClient().get(bytes("/"))).getHeader().getRevision();
	}

	/**
	 * How many range (read) requests a member has served, from its Prometheus metrics.
	 * @param endpoint the member's client URL
	 * @return the count
	 */
	public static long rangeCount(URI endpoint) {
		try {
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(endpoint.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
			return response.body()
				.lines()
				.filter((line) -> line.startsWith("etcd_mvcc_range_total "))
				.mapToLong((line) -> (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1)))
				.findFirst()
				.orElseThrow();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Cannot read etcd metrics", ex);
		}
	}

	public static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

	public static <T> T await(CompletableFuture<T> future) {
		return await(future, Duration.ofSeconds(10));
	}

	public static <T> T await(CompletableFuture<T> future, Duration timeout) {
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("etcd call failed", ex);
		}
	}

}
