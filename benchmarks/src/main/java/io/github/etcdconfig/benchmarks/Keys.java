package io.github.etcdconfig.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;
import io.etcd.jetcd.options.PutOption;
import io.github.etcdconfig.test.EtcdKeys;

/**
 * The keys the benchmarks load: {@code /config/bench/fill/gGGGG/kNNNNNN} (32 bytes) with
 * 14-byte values, 100 to a group, names and indexes zero-padded so that key order is
 * index order and "the first N keys" is one key range.
 */
final class Keys {

	static final String FILL_PREFIX = "/config/bench/fill/";

	// etcd refuses transactions of more than 128 operations by default.
	private static final int BATCH = 128;

	private static final int IN_FLIGHT = 16;

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final KV kv;

	Keys(Client client) {
		this.kv = client.getKVClient();
	}

	static String key(int index) {
		return String.format("%sg%04d/k%06d", FILL_PREFIX, index / 100, index);
	}

	/** The property name of a filler key. */
	static String name(int index) {
		return name(key(index));
	}

	/** The property name of a plain key under {@code /config/}. */
	static String name(String key) {
		return key.substring("/config/".length()).replace('/', '.');
	}

	// 14 bytes: with the 32-byte key, 46 bytes of key and value, the size the issue
	// reports measured.
	static String value(int index) {
		return String.format("v%06d-abcdef", index);
	}

	/** The bytes of the first {@code count} keys and values, as etcd holds them. */
	static long keyValueBytes(int count) {
		long bytes = 0;
		for (int i = 0; i < count; i++) {
			bytes += key(i).length() + value(i).length();
		}
		return bytes;
	}

	/**
	 * Make the filler hold exactly the first {@code count} keys.
	 * @param count the number of keys
	 */
	void ensure(int count) {
		await(this.kv.delete(bytes(key(count)),
				DeleteOption.builder().withRange(OptionsUtil.prefixEndOf(bytes(FILL_PREFIX))).build()));
		int present = (int) await(
				this.kv.get(bytes(FILL_PREFIX), GetOption.builder().isPrefix(true).withCountOnly(true).build()))
			.getCount();
		List<CompletableFuture<?>> inFlight = new ArrayList<>();
		for (int from = present; from < count; from += BATCH) {
			int to = Math.min(count, from + BATCH);
			Op[] puts = new Op[to - from];
			for (int i = from; i < to; i++) {
				puts[i - from] = Op.put(bytes(key(i)), bytes(value(i)), PutOption.DEFAULT);
			}
			inFlight.add(this.kv.txn().Then(puts).commit());
			if (inFlight.size() == IN_FLIGHT) {
				inFlight.forEach(Keys::await);
				inFlight.clear();
			}
		}
		inFlight.forEach(Keys::await);
	}

	long put(String key, String value) {
		return await(this.kv.put(bytes(key), bytes(value))).getHeader().getRevision();
	}

	void delete(String key) {
		await(this.kv.delete(bytes(key)));
	}

	static ByteSequence bytes(String value) {
		return EtcdKeys.bytes(value);
	}

	// A minute, not EtcdKeys' 10 s: loads of many keys and calls made while etcd recovers
	// take their time.
	static <T> T await(CompletableFuture<T> future) {
		return EtcdKeys.await(future, TIMEOUT);
	}

}
