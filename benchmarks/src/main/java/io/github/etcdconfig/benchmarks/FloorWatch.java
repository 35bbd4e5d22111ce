package io.github.etcdconfig.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;

/**
 * The floor: a bare jetcd watch on a client of its own whose listener stores the value it
 * receives, so reading it costs what reading a bean's field costs. It watches
 * {@value #PREFIX}, outside {@code /config/}, so the application's watcher does not see
 * its puts.
 */
final class FloorWatch implements AutoCloseable {

	static final String PREFIX = "/floor/";

	static final String KEY = PREFIX + "probe";

	private final Client client;

	private final Watch.Watcher watcher;

	private volatile String value;

	FloorWatch(String endpoints) {
		this.client = Client.builder().endpoints(endpoints.split(",")).build();
		this.watcher = this.client.getWatchClient()
			.watch(Keys.bytes(PREFIX), WatchOption.builder().isPrefix(true).build(), (response) -> {
				List<WatchEvent> events = response.getEvents();
				if (!events.isEmpty()) {
					this.value = events.get(events.size() - 1)
						.getKeyValue()
						.getValue()
						.toString(StandardCharsets.UTF_8);
				}
			});
	}

	String value() {
		return this.value;
	}

	@Override
	public void close() {
		this.watcher.close();
		this.client.close();
	}

}
