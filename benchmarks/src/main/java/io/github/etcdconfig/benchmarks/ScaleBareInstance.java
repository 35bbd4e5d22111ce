package io.github.etcdconfig.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.github.etcdconfig.client.EtcdClientFactory;
import io.github.etcdconfig.client.EtcdProperties;
import io.github.etcdconfig.client.PropertiesEtcdConnectionDetails;
import io.github.etcdconfig.config.EtcdConfigDataResource;
import io.github.etcdconfig.ranges.EtcdKeyRange;

/**
 * Bare jetcd watches on a client built like the starter's, with the options the starter's
 * watch sessions use (from the revision read + 1, progress notifications, leader
 * required, created notification). Its listener notes the arrival on jetcd's own thread:
 * no hand-off, no snapshot. {@link #floor} watches {@code /config/} alone;
 * {@link #starterWatches} watches the key ranges the starter watches for the instance's
 * application.
 */
final class ScaleBareInstance implements ScaleInstance {

	private final List<EtcdKeyRange> ranges;

	private final int index;

	private final EtcdConfigDataResource resource;

	private final ScaleArrivals arrivals;

	private final List<Watch.Watcher> watchers = new ArrayList<>();

	// Watches etcd has confirmed and not ended: the instance watches when each of its
	// ranges has one.
	private final AtomicInteger watching = new AtomicInteger();

	private Client client;

	private long revision;

	private volatile long breaks;

	private ScaleBareInstance(List<EtcdKeyRange> ranges, int index, EtcdConfigDataResource resource,
			ScaleArrivals arrivals) {
		this.ranges = ranges;
		this.index = index;
		this.resource = resource;
		this.arrivals = arrivals;
	}

	/** The floor: one watch of {@code /config/}. */
	static ScaleBareInstance floor(int index, EtcdConfigDataResource resource, ScaleArrivals arrivals) {
		return new ScaleBareInstance(List.of(EtcdKeyRange.prefix("/config/")), index, resource, arrivals);
	}

	/**
	 * The "jetcd with exactly the starter's watch options": one watch per key
	 * range the starter watches for the resource, which is what etcd and the network
	 * carry for a starter instance.
	 */
	static ScaleBareInstance starterWatches(int index, EtcdConfigDataResource resource, ScaleArrivals arrivals) {
		return new ScaleBareInstance(resource.getLayout().ranges(), index, resource, arrivals);
	}

	@Override
	public void connect() throws Exception {
		if (this.client == null) {
			// jetcd's own client, whatever the starter's instances are given.
			this.resource.getConnection().setLoadBalancing(EtcdProperties.LoadBalancing.ROUND_ROBIN);
			this.client = EtcdClientFactory.standard(List.of())
				.create(new PropertiesEtcdConnectionDetails(this.resource.getConnection(), null),
						this.resource.getConnection());
		}
		EtcdKeyRange first = this.ranges.get(0);
		this.revision = this.client.getKVClient()
			.get(first.startKey(), GetOption.builder().withRange(first.endKey()).withCountOnly(true).build())
			.get(this.resource.getConnection().getRequestTimeout().toMillis(), TimeUnit.MILLISECONDS)
			.getHeader()
			.getRevision();
	}

	@Override
	public void watch() {
		for (EtcdKeyRange range : this.ranges) {
			WatchOption option = WatchOption.builder()
				.withRange(range.endKey())
				.withRevision(this.revision + 1)
				.withProgressNotify(true)
				.withRequireLeader(true)
				.withCreateNotify(true)
				.build();
			this.watchers.add(this.client.getWatchClient().watch(range.startKey(), option, new Listener()));
		}
	}

	private final class Listener implements Watch.Listener {

		private boolean created;

		@Override
		public void onNext(WatchResponse response) {
			long now = System.nanoTime();
			if (!this.created) {
				this.created = true;
				ScaleBareInstance.this.watching.incrementAndGet();
			}
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
			if (this.created) {
				this.created = false;
				ScaleBareInstance.this.watching.decrementAndGet();
			}
		}

	}

	@Override
	public boolean isWatching() {
		return this.watching.get() == this.ranges.size();
	}

	@Override
	public long disturbances() {
		return this.breaks;
	}

	@Override
	public void close() {
		this.watchers.forEach(Watch.Watcher::close);
		if (this.client != null) {
			this.client.close();
		}
	}

}
