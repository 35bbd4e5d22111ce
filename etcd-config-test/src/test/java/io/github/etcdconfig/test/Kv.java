package io.github.etcdconfig.test;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Blocking put/get with timeouts for tests. */
final class Kv {

	static final Duration TIMEOUT = Duration.ofSeconds(5);

	private Kv() {
	}

	static void put(Client client, String key, String value) throws Exception {
		client.getKVClient().put(bytes(key), bytes(value)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	static String get(Client client, String key) throws Exception {
		return get(client, key, TIMEOUT);
	}

	static String get(Client client, String key, Duration timeout) throws Exception {
		List<KeyValue> kvs = client.getKVClient().get(bytes(key))
				.get(timeout.toMillis(), TimeUnit.MILLISECONDS).getKvs();
		return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
	}

	static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}
}
