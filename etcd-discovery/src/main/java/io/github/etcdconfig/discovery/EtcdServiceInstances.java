package io.github.etcdconfig.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.client.EtcdBytes;
import io.github.etcdconfig.ranges.EtcdConfigReader;
import io.github.etcdconfig.ranges.EtcdKeyEvent;
import io.github.etcdconfig.ranges.EtcdKeyRange;
import io.github.etcdconfig.watch.EtcdPrefixWatcher;
import io.github.etcdconfig.watch.EtcdWatchProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The discovery cache: every instance under the registry prefix, held in memory and
 * followed by an {@link EtcdPrefixWatcher}, so a lookup never calls etcd.
 *
 * <p>
 * The state is an immutable {@link Snapshot} swapped in one volatile write; only the
 * watcher's thread writes it, and readers on any thread see either the old or the new
 * one. An entry that does not describe an instance is skipped with one warning per
 * revision of its key, and an instance whose status is not healthy is not returned. When
 * the healthy instances change, a Spring Cloud {@link HeartbeatEvent} is published (on
 * the watcher's thread), which is what gateways and other discovery-driven caches listen
 * to.
 *
 * <p>
 * While etcd is unreachable the last snapshot stays in use; the watcher reads the prefix
 * again when etcd answers.
 */
public class EtcdServiceInstances implements EtcdPrefixWatcher.Target, InitializingBean, DisposableBean {

	private static final Log logger = LogFactory.getLog(EtcdServiceInstances.class);

	private final Client client;

	private final EtcdDiscoveryProperties properties;

	private final Duration requestTimeout;

	private final ApplicationEventPublisher publisher;

	private final EtcdInstanceFormat format = new EtcdInstanceFormat();

	private final EtcdPrefixWatcher watcher;

	private volatile Snapshot snapshot = Snapshot.EMPTY;

	/**
	 * Create the cache; {@link #afterPropertiesSet()} reads and starts following etcd.
	 * @param client the client
	 * @param properties where the registry is and which statuses count as healthy
	 * @param requestTimeout the deadline of each etcd call
	 * @param publisher receives a {@link HeartbeatEvent} per change, may be {@code null}
	 */
	public EtcdServiceInstances(Client client, EtcdDiscoveryProperties properties, Duration requestTimeout,
			ApplicationEventPublisher publisher) {
		this.client = client;
		this.properties = properties;
		this.requestTimeout = requestTimeout;
		this.publisher = publisher;
		this.watcher = new EtcdPrefixWatcher(client, this,
				// The registry is watched the way configuration is by default.
				EtcdPrefixWatcher.Settings.of(new EtcdWatchProperties(), requestTimeout,
						EtcdConfigReader.DEFAULT_PAGE_SIZE));
	}

	/**
	 * Read the registry once, so lookups work as soon as the application context does,
	 * then follow it. When etcd cannot be read now, start empty: the watcher reads it as
	 * soon as it answers.
	 */
	@Override
	public void afterPropertiesSet() {
		try {
			EtcdConfigReader.Result read = new EtcdConfigReader(this.client.getKVClient(), this.requestTimeout,
					EtcdConfigReader.DEFAULT_PAGE_SIZE)
				.read(ranges());
			resync(read.keys(), read.revision());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			logger.warn("Cannot read the service registry " + this.properties.getPrefix() + " from etcd now ("
					+ ex.getMessage() + "); discovery starts empty and fills up when etcd answers");
		}
		this.watcher.start();
	}

	@Override
	public void destroy() {
		this.watcher.stop();
	}

	/**
	 * The healthy instances of a service, from memory.
	 * @param serviceId the service
	 * @return the instances, sorted by instance id; empty when there are none
	 */
	public List<ServiceInstance> getInstances(String serviceId) {
		return this.snapshot.services.getOrDefault(serviceId, List.of());
	}

	/**
	 * The services with at least one healthy instance.
	 * @return the service ids, sorted
	 */
	public List<String> getServices() {
		return List.copyOf(this.snapshot.services.keySet());
	}

	/**
	 * The watch underneath: its state, errors and counters.
	 * @return the watcher
	 */
	public EtcdPrefixWatcher getWatcher() {
		return this.watcher;
	}

	@Override
	public List<EtcdKeyRange> ranges() {
		return List.of(EtcdKeyRange.prefix(this.properties.getPrefix()));
	}

	@Override
	public long loadedRevision() {
		return this.snapshot.revision;
	}

	@Override
	public void apply(List<EtcdKeyEvent> events, long revision) {
		Map<String, Entry> entries = new HashMap<>(this.snapshot.entries);
		for (EtcdKeyEvent event : events) {
			String key = EtcdBytes.text(event.key());
			if (event.isDelete()) {
				entries.remove(key);
			}
			else {
				entries.put(key, read(key, event, entries.get(key)));
			}
		}
		swap(entries, revision);
	}

	@Override
	public void resync(List<EtcdKeyEvent> keys, long revision) {
		Map<String, Entry> entries = new HashMap<>();
		for (EtcdKeyEvent event : keys) {
			String key = EtcdBytes.text(event.key());
			entries.put(key, read(key, event, this.snapshot.entries.get(key)));
		}
		swap(entries, revision);
	}

	private Entry read(String key, EtcdKeyEvent event, Entry previous) {
		if (previous != null && previous.modRevision == event.modRevision()) {
			// Already read (and, when broken, already reported) at this revision.
			return previous;
		}
		String path = key.substring(this.properties.getPrefix().length());
		int slash = path.indexOf('/');
		try {
			if (slash <= 0 || slash == path.length() - 1) {
				throw new IllegalArgumentException(
						"the key is not " + this.properties.getPrefix() + "{service}/{instance}");
			}
			return new Entry(event.modRevision(),
					this.format.read(path.substring(0, slash), path.substring(slash + 1), event.value()));
		}
		catch (IllegalArgumentException ex) {
			logger.warn("Skipping service registry entry " + key + " at revision " + event.modRevision() + ": "
					+ ex.getMessage());
			return new Entry(event.modRevision(), null);
		}
	}

	private void swap(Map<String, Entry> entries, long revision) {
		Map<String, List<ServiceInstance>> services = new TreeMap<>();
		for (Entry entry : entries.values()) {
			EtcdServiceInstance instance = entry.instance;
			if (instance != null && this.properties.isHealthy(instance.getStatus())) {
				services.computeIfAbsent(instance.getServiceId(), (id) -> new ArrayList<>()).add(instance);
			}
		}
		services.replaceAll((service, instances) -> {
			instances.sort(Comparator.comparing(ServiceInstance::getInstanceId));
			return List.copyOf(instances);
		});
		Snapshot previous = this.snapshot;
		this.snapshot = new Snapshot(revision, Map.copyOf(entries), Collections.unmodifiableMap(services));
		if (this.publisher != null && !services.equals(previous.services)) {
			this.publisher.publishEvent(new HeartbeatEvent(this, revision));
		}
	}

	@Override
	public String toString() {
		return "service registry " + this.properties.getPrefix();
	}

	/**
	 * One key of the registry as read at a revision.
	 *
	 * @param modRevision the revision of the value
	 * @param instance the instance, {@code null} when the value does not describe one
	 */
	private record Entry(long modRevision, EtcdServiceInstance instance) {
	}

	/**
	 * The whole registry at one revision, never modified.
	 *
	 * @param revision the revision
	 * @param entries every key
	 * @param services the healthy instances by service, sorted
	 */
	private record Snapshot(long revision, Map<String, Entry> entries, Map<String, List<ServiceInstance>> services) {

		static final Snapshot EMPTY = new Snapshot(0, Map.of(), Map.of());

	}

}
