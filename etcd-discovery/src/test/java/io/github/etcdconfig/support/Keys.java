package io.github.etcdconfig.support;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;

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
		return await(this.client.getKVClient().put(bytes(key), bytes(value))).getHeader().getRevision();
	}

	public void delete(String key) {
		await(this.client.getKVClient().delete(bytes(key)));
	}

	/** The value of a key, or {@code null}. */
	public KeyValue get(String key) {
		List<KeyValue> kvs = await(this.client.getKVClient().get(bytes(key))).getKvs();
		return kvs.isEmpty() ? null : kvs.get(0);
	}

	public String value(String key) {
		KeyValue kv = get(key);
		return (kv != null) ? kv.getValue().toString(StandardCharsets.UTF_8) : null;
	}

	/** Every key under a prefix. */
	public List<KeyValue> under(String prefix) {
		return await(this.client.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).build()))
			.getKvs();
	}

	/** The remaining TTL of a lease in seconds; -1 when it does not exist. */
	public long ttl(long leaseId) {
		return await(this.client.getLeaseClient().timeToLive(leaseId, LeaseOption.DEFAULT))
			.getTTL();
	}

	public void revoke(long leaseId) {
		await(this.client.getLeaseClient().revoke(leaseId));
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
			return future.get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("etcd call failed", ex);
		}
	}

}
