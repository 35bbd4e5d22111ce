package io.github.etcdconfig.test;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Reads and writes etcd from tests, each call with a deadline ({@link #DEFAULT_TIMEOUT}
 * unless a call takes one of its own), so that a test against a stopped, paused or
 * cut-off etcd fails instead of hanging. Keys and values are UTF-8 text. Closing it
 * closes the client, for example through JUnit's {@code @AutoClose}.
 *
 * <pre>{@code
 * try (EtcdKeys keys = new EtcdKeys(cluster.newClient())) {
 *     keys.put("/config/orders/max-items", "10");
 *     assertThat(keys.values("/config/orders/")).containsEntry("/config/orders/max-items", "10");
 * }
 * }</pre>
 *
 * <p>
 * A call that fails or runs out of time throws an {@link IllegalStateException} whose
 * message holds etcd's reason and whose cause is etcd's error or a
 * {@link java.util.concurrent.TimeoutException}.
 */
public final class EtcdKeys implements AutoCloseable {

	/** The deadline of every call that takes none of its own: 10 seconds. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private final Client client;

	/**
	 * Reads and writes through a client; the client is closed with this object.
	 * @param client the client, connected to the etcd under test
	 */
	public EtcdKeys(Client client) {
		this.client = client;
	}

	/**
	 * The client this object reads and writes through.
	 * @return the client
	 */
	public Client client() {
		return this.client;
	}

	/**
	 * Put a key.
	 * @param key the key
	 * @param value its value, as UTF-8
	 * @return the revision of the put
	 */
	public long put(String key, String value) {
		return put(key, value, DEFAULT_TIMEOUT);
	}

	/**
	 * Put a key with a deadline of its own, for a write that may have to wait, such as
	 * one to a cluster that is electing a leader.
	 * @param key the key
	 * @param value its value, as UTF-8
	 * @param timeout how long the call may take
	 * @return the revision of the put
	 */
	public long put(String key, String value, Duration timeout) {
		return await(kv().put(bytes(key), bytes(value)), timeout).getHeader().getRevision();
	}

	/**
	 * Put a key whose value is any bytes, for example bytes that are not UTF-8.
	 * @param key the key
	 * @param value its value
	 * @return the revision of the put
	 */
	public long put(String key, byte[] value) {
		return await(kv().put(bytes(key), ByteSequence.from(value))).getHeader().getRevision();
	}

	/**
	 * Put several keys in one transaction, so that they change at one revision.
	 * @param keysAndValues key, value, key, value...
	 * @return the revision of the transaction
	 * @throws IllegalArgumentException when a key has no value
	 */
	public long putAll(String... keysAndValues) {
		if (keysAndValues.length % 2 != 0) {
			throw new IllegalArgumentException(
					"Expected keys and values in pairs, got " + keysAndValues.length + " strings");
		}
		Op[] puts = new Op[keysAndValues.length / 2];
		for (int i = 0; i < puts.length; i++) {
			puts[i] = Op.put(bytes(keysAndValues[2 * i]), bytes(keysAndValues[2 * i + 1]), PutOption.DEFAULT);
		}
		return await(kv().txn().Then(puts).commit()).getHeader().getRevision();
	}

	/**
	 * Delete a key.
	 * @param key the key
	 * @return the revision after the delete (etcd's current revision when there was no
	 * such key)
	 */
	public long delete(String key) {
		return await(kv().delete(bytes(key))).getHeader().getRevision();
	}

	/**
	 * Delete every key under a prefix, in one revision.
	 * @param prefix the prefix, such as {@code /config/orders/}
	 * @return the revision after the delete
	 */
	public long deletePrefix(String prefix) {
		return await(kv().delete(bytes(prefix), DeleteOption.builder().isPrefix(true).build())).getHeader()
			.getRevision();
	}

	/**
	 * A key as etcd holds it, with its revisions, version and lease.
	 * @param key the key
	 * @return the key, or {@code null} when there is none
	 */
	public KeyValue get(String key) {
		return first(await(kv().get(bytes(key))).getKvs());
	}

	/**
	 * The value of a key.
	 * @param key the key
	 * @return its value as UTF-8, or {@code null} when there is no such key
	 */
	public String value(String key) {
		return value(key, DEFAULT_TIMEOUT);
	}

	/**
	 * The value of a key, with a deadline of its own, for example a short one to show
	 * that etcd does not answer.
	 * @param key the key
	 * @param timeout how long the call may take
	 * @return its value as UTF-8, or {@code null} when there is no such key
	 */
	public String value(String key, Duration timeout) {
		KeyValue kv = first(await(kv().get(bytes(key)), timeout).getKvs());
		return (kv != null) ? text(kv.getValue()) : null;
	}

	/**
	 * The keys under a prefix with their values.
	 * @param prefix the prefix, such as {@code /config/orders/}
	 * @return key to value (UTF-8), in key order; empty when there is none
	 */
	public SortedMap<String, String> values(String prefix) {
		SortedMap<String, String> values = new TreeMap<>();
		keyValues(prefix).forEach((kv) -> values.put(text(kv.getKey()), text(kv.getValue())));
		return values;
	}

	/**
	 * The keys under a prefix as etcd holds them, with their revisions, versions and
	 * leases.
	 * @param prefix the prefix, such as {@code /locks/orders/}
	 * @return the keys in key order; empty when there is none
	 */
	public List<KeyValue> keyValues(String prefix) {
		return await(kv().get(bytes(prefix), GetOption.builder().isPrefix(true).build())).getKvs();
	}

	/**
	 * etcd's current revision.
	 * @return the revision
	 */
	public long revision() {
		return await(kv().get(bytes("/"), GetOption.builder().withCountOnly(true).build())).getHeader().getRevision();
	}

	/**
	 * Compact etcd's history up to a revision: watches that start before it fail
	 * afterwards.
	 * @param revision the revision, at most the current one
	 */
	public void compact(long revision) {
		await(kv().compact(revision));
	}

	/**
	 * The time a lease has left.
	 * @param leaseId the lease
	 * @return its remaining time to live in seconds; -1 when it has expired or never
	 * existed
	 */
	public long ttl(long leaseId) {
		return await(this.client.getLeaseClient().timeToLive(leaseId, LeaseOption.DEFAULT)).getTTL();
	}

	/**
	 * Revoke a lease: every key attached to it is deleted.
	 * @param leaseId the lease
	 */
	public void revoke(long leaseId) {
		await(this.client.getLeaseClient().revoke(leaseId));
	}

	/**
	 * Close the client.
	 */
	@Override
	public void close() {
		this.client.close();
	}

	/**
	 * The UTF-8 bytes of a string, as jetcd takes keys and values.
	 * @param value the string
	 * @return its bytes
	 */
	public static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

	/**
	 * Wait for a jetcd call, at most {@link #DEFAULT_TIMEOUT}.
	 * @param <T> the type of the result
	 * @param future the call
	 * @return its result
	 * @throws IllegalStateException when the call fails or does not complete in time
	 */
	public static <T> T await(CompletableFuture<T> future) {
		return await(future, DEFAULT_TIMEOUT);
	}

	/**
	 * Wait for a jetcd call, at most {@code timeout}; a call that is late is cancelled.
	 * @param <T> the type of the result
	 * @param future the call
	 * @param timeout how long to wait
	 * @return its result
	 * @throws IllegalStateException when the call fails or does not complete in time
	 */
	public static <T> T await(CompletableFuture<T> future, Duration timeout) {
		return Waits.get(future, timeout, "etcd call");
	}

	private KV kv() {
		return this.client.getKVClient();
	}

	private static KeyValue first(List<KeyValue> kvs) {
		return kvs.isEmpty() ? null : kvs.get(0);
	}

	private static String text(ByteSequence bytes) {
		return bytes.toString(StandardCharsets.UTF_8);
	}

}
