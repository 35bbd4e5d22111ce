package io.github.etcdconfig.release.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;

/**
 * Reads and writes etcd from tests, each call with a deadline.
 */
public final class Keys implements AutoCloseable {

	private final Client client;

	public Keys(Client client) {
		this.client = client;
	}

	public Client client() {
		return this.client;
	}

	/** Put a key; returns the revision. */
	public long put(String key, String value) {
		return put(key, value.getBytes(StandardCharsets.UTF_8));
	}

	public long put(String key, byte[] value) {
		return await(this.client.getKVClient().put(bytes(key), ByteSequence.from(value))).getHeader().getRevision();
	}

	public long delete(String key) {
		return await(this.client.getKVClient().delete(bytes(key))).getHeader().getRevision();
	}

	/** The key as stored, or {@code null}. */
	public KeyValue get(String key) {
		List<KeyValue> kvs = await(this.client.getKVClient().get(bytes(key))).getKvs();
		return kvs.isEmpty() ? null : kvs.get(0);
	}

	public String value(String key) {
		KeyValue kv = get(key);
		return (kv != null) ? kv.getValue().toString(StandardCharsets.UTF_8) : null;
	}

	/** Every key under a prefix, with its value. */
	public Map<String, String> under(String prefix) {
		Map<String, String> values = new TreeMap<>();
		await(this.client.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).build())).getKvs()
			.forEach((kv) -> values.put(kv.getKey().toString(StandardCharsets.UTF_8),
					kv.getValue().toString(StandardCharsets.UTF_8)));
		return values;
	}

	public long revision() {
		return await(this.client.getKVClient().get(bytes("/"))).getHeader().getRevision();
	}

	public void compact(long revision) {
		await(this.client.getKVClient().compact(revision));
	}

	@Override
	public void close() {
		this.client.close();
	}

	public static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

	public static <T> T await(CompletableFuture<T> future) {
		try {
			return future.get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("etcd call failed", ex);
		}
	}

}
