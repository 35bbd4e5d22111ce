package io.github.etcdconfig.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.github.etcdconfig.client.EtcdClientFactory;
import io.github.etcdconfig.client.PropertiesEtcdConnectionDetails;
import io.github.etcdconfig.config.EtcdConfigDataResource;
import io.github.etcdconfig.config.EtcdKeyRange;

/**
 * The floor: a bare jetcd watch of {@code /config/} on a client built like the starter's, with the options the
 * starter's watch sessions use (from the revision read + 1, progress notifications, leader required, created
 * notification). Its listener notes the arrival on jetcd's own thread: no hand-off, no snapshot.
 */
final class ScaleBareInstance implements ScaleInstance {

	private static final EtcdKeyRange RANGE = EtcdKeyRange.prefix("/config/");

	private final int index;

	private final EtcdConfigDataResource resource;

	private final ScaleArrivals arrivals;

	private Client client;

	private Watch.Watcher watcher;

	private long revision;

	private volatile boolean watching;

	private volatile long breaks;

	ScaleBareInstance(int index, EtcdConfigDataResource resource, ScaleArrivals arrivals) {
		this.index = index;
		this.resource = resource;
		this.arrivals = arrivals;
	}

	@Override
	public void connect() throws Exception {
		if (this.client == null) {
			this.client = EtcdClientFactory.standard(List.of()).create(
					new PropertiesEtcdConnectionDetails(this.resource.getConnection(), null),
					this.resource.getConnection());
		}
		this.revision = this.client.getKVClient()
			.get(RANGE.startKey(), GetOption.builder().withRange(RANGE.endKey()).withCountOnly(true).build())
			.get(this.resource.getConnection().getRequestTimeout().toMillis(), TimeUnit.MILLISECONDS)
			.getHeader()
			.getRevision();
	}

	@Override
	public void watch() {
		WatchOption option = WatchOption.builder()
			.withRange(RANGE.endKey())
			.withRevision(this.revision + 1)
			.withProgressNotify(true)
			.withRequireLeader(true)
			.withCreateNotify(true)
			.build();
		this.watcher = this.client.getWatchClient().watch(RANGE.startKey(), option, new Watch.Listener() {

			@Override
			public void onNext(WatchResponse response) {
				long now = System.nanoTime();
				ScaleBareInstance.this.watching = true;
				for (WatchEvent event : response.getEvents()) {
					if (PROBE_KEY.equals(event.getKeyValue().getKey().toString(StandardCharsets.UTF_8))
							&& event.getEventType() == WatchEvent.EventType.PUT) {
						ScaleBareInstance.this.arrivals.record(ScaleBareInstance.this.index,
								Long.parseLong(event.getKeyValue().getValue().toString(StandardCharsets.UTF_8)), now);
					}
				}
			}

			@Override
			public void onError(Throwable throwable) {
				ScaleBareInstance.this.breaks++;
			}

			@Override
			public void onCompleted() {
				ScaleBareInstance.this.watching = false;
			}

		});
	}

	@Override
	public boolean isWatching() {
		return this.watching;
	}

	@Override
	public long disturbances() {
		return this.breaks;
	}

	@Override
	public void close() {
		if (this.watcher != null) {
			this.watcher.close();
		}
		if (this.client != null) {
			this.client.close();
		}
	}

}
