package io.github.etcdconfig.cli.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.github.etcdconfig.test.EtcdKeys;

/**
 * What happens in an application's registry folder from now on, each event kept with the
 * time this JVM heard of it ({@link System#nanoTime()}): the start of a measurement such
 * as a rejection appearing or a lease expiring.
 */
public final class RegistryEvents implements AutoCloseable {

	private final List<Event> events = new ArrayList<>();

	private final Watch.Watcher watcher;

	/**
	 * Watch a folder from the next revision on.
	 * @param client the etcd client
	 * @param folder for example {@code /services/roll/}
	 * @param revision the current revision: events after it are kept
	 */
	public RegistryEvents(Client client, String folder, long revision) {
		WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision + 1).build();
		this.watcher = client.getWatchClient().watch(EtcdKeys.bytes(folder), option, Watch.listener((response) -> {
			long now = System.nanoTime();
			for (WatchEvent event : response.getEvents()) {
				String key = event.getKeyValue().getKey().toString();
				Event seen = new Event(now, event.getEventType() == WatchEvent.EventType.DELETE,
						key.substring(key.lastIndexOf('/') + 1), event.getKeyValue().getValue().toString());
				synchronized (this.events) {
					this.events.add(seen);
				}
			}
		}));
	}

	/**
	 * The first event that matches.
	 * @param predicate what to find
	 * @return the event, if any yet
	 */
	public Optional<Event> first(Predicate<Event> predicate) {
		synchronized (this.events) {
			return this.events.stream().filter(predicate).findFirst();
		}
	}

	@Override
	public void close() {
		this.watcher.close();
	}

	/**
	 * One change of a registration.
	 *
	 * @param at when this JVM heard of it, {@link System#nanoTime()}
	 * @param deleted whether the registration went away (its lease expired or it
	 * deregistered)
	 * @param instance the instance id
	 * @param json the registration, empty when deleted
	 */
	public record Event(long at, boolean deleted, String instance, String json) {

		/**
		 * Whether the instance reports a rejected revision.
		 * @return whether it does
		 */
		public boolean rejects() {
			return !this.deleted && this.json.contains("\"rejected\"");
		}

	}

}
