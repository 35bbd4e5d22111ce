package io.github.etcdconfig.watch;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.github.etcdconfig.ranges.EtcdKeyEvent;
import io.github.etcdconfig.ranges.EtcdKeyRange;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

/**
 * The prefix watcher on its own, with a target that keeps what it is told.
 */
class EtcdPrefixWatcherTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@Test
	void aWatchCatchingUpOnOldEventsSkipsNoneWhileTheCheckRuns() {
		try (Client client = etcd.cluster().newClient()) {
			EtcdKeys keys = new EtcdKeys(client);
			long start = keys.put("/watched/key-0", "start");
			String[] batch = new String[200];
			for (int round = 0; round < 200; round++) {
				for (int i = 0; i < 100; i++) {
					batch[2 * i] = "/watched/key-" + i;
					batch[2 * i + 1] = "round-" + round;
				}
				keys.putAll(batch);
			}
			Map<String, String> expected = keys.values("/watched/");
			Recorder target = new Recorder(start);
			// Watching from an old revision, with a check every 10 ms while 20,000 events
			// arrive. etcd 3.4 answers
			// a progress request at once with its current revision, ahead of the events:
			// trusting it would skip them.
			EtcdPrefixWatcher watcher = new EtcdPrefixWatcher(client, target,
					new EtcdPrefixWatcher.Settings(Duration.ofMillis(10), 3, Duration.ofMillis(10),
							Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(2), 500));
			watcher.start();
			try {
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(target.values).isEqualTo(expected));
				assertThat(watcher.getStatus().getResyncs()).isZero();
			}
			finally {
				watcher.stop();
			}
		}
	}

	@Test
	void stoppingDropsTheNextCheckRatherThanWaitingForIt() {
		try (Client client = etcd.cluster().newClient()) {
			long start = new EtcdKeys(client).put("/watched/key-0", "start");
			// The next check is minutes away, and stop() waits up to the request timeout
			// for the applier thread.
			EtcdPrefixWatcher watcher = new EtcdPrefixWatcher(client, new Recorder(start),
					new EtcdPrefixWatcher.Settings(Duration.ofMillis(10), 3, Duration.ofMinutes(10),
							Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofMinutes(2), 500));
			watcher.start();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> watcher.getStatus().getState() == EtcdWatchStatus.State.WATCHING);
			assertTimeoutPreemptively(Duration.ofSeconds(30), watcher::stop);
			assertThat(watcher.getStatus().getState()).isEqualTo(EtcdWatchStatus.State.STOPPED);
		}
	}

	@Test
	void aWatchThatWentSilentIsFoundByTheCheckAndWhatItMissedIsReadAgain() {
		try (Client client = etcd.cluster().newClient()) {
			EtcdKeys keys = new EtcdKeys(client);
			long start = keys.put("/watched/key-0", "start");
			Recorder target = new Recorder(start);
			EtcdPrefixWatcher watcher = watchingSilently(client, target);
			try {
				keys.put("/watched/key-1", "missed by the watch");
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(
							() -> assertThat(target.values).containsEntry("/watched/key-1", "missed by the watch"));
				assertThat(watcher.getStatus().getResyncs()).isPositive();
			}
			finally {
				watcher.stop();
			}
		}
	}

	@Test
	void theWatchersOfOneClientAskEtcdsRevisionAboutOncePerInterval() {
		try (Client client = etcd.cluster().newClient()) {
			long start = new EtcdKeys(client).put("/watched/key-0", "start");
			AtomicInteger probes = new AtomicInteger();
			Client counting = countingProbes(client, probes);
			List<EtcdPrefixWatcher> watchers = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				watchers.add(new EtcdPrefixWatcher(counting, new Recorder(start),
						new EtcdPrefixWatcher.Settings(Duration.ofMillis(10), 3, Duration.ofSeconds(1),
								Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(5), 500)));
			}
			watchers.forEach(EtcdPrefixWatcher::start);
			try {
				await().atMost(Duration.ofSeconds(30))
					.until(() -> watchers.stream()
						.allMatch((watcher) -> watcher.getStatus().getState() == EtcdWatchStatus.State.WATCHING));
				int before = probes.get();
				long started = System.nanoTime();
				await().atMost(Duration.ofSeconds(60)).until(() -> probes.get() - before >= 5);
				// Four watchers asking on their own every 0.5 to 1.5 s would ask five
				// times
				// in about 1.25 s; sharing, about once a second.
				assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofSeconds(3));
			}
			finally {
				watchers.forEach(EtcdPrefixWatcher::stop);
			}
		}
	}

	// A client that counts the requests for etcd's revision alone.
	private static Client countingProbes(Client client, AtomicInteger probes) {
		KV kv = client.getKVClient();
		KV counting = (KV) Proxy.newProxyInstance(KV.class.getClassLoader(), new Class<?>[] { KV.class },
				(proxy, method, args) -> {
					if (method.getName().equals("get") && args.length == 2 && args[1] instanceof GetOption option
							&& option.isCountOnly()) {
						probes.incrementAndGet();
					}
					return method.invoke(kv, args);
				});
		return (Client) Proxy.newProxyInstance(Client.class.getClassLoader(), new Class<?>[] { Client.class }, (proxy,
				method, args) -> method.getName().equals("getKVClient") ? counting : method.invoke(client, args));
	}

	// A started watcher whose watch went silent, checking every 200 ms, once it watches.
	static EtcdPrefixWatcher watchingSilently(Client client, Recorder target) {
		EtcdPrefixWatcher watcher = new EtcdPrefixWatcher(silentWatches(client), target,
				new EtcdPrefixWatcher.Settings(Duration.ofMillis(10), 3, Duration.ofMillis(200), Duration.ofMillis(50),
						Duration.ofMillis(500), Duration.ofSeconds(1), 500));
		watcher.start();
		try {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> watcher.getStatus().getState() == EtcdWatchStatus.State.WATCHING);
		}
		catch (RuntimeException | Error ex) {
			watcher.stop();
			throw ex;
		}
		return watcher;
	}

	// A client whose watches are confirmed by etcd but then deliver no event: a watch
	// that went silent.
	private static Client silentWatches(Client client) {
		Watch watch = client.getWatchClient();
		Watch silent = (Watch) Proxy.newProxyInstance(Watch.class.getClassLoader(), new Class<?>[] { Watch.class },
				(proxy, method, args) -> {
					if (method.getName().equals("watch") && args.length == 3
							&& args[2] instanceof Watch.Listener listener) {
						return watch.watch((ByteSequence) args[0], (WatchOption) args[1], Watch.listener((response) -> {
							if (response.getEvents().isEmpty()) {
								listener.onNext(response);
							}
						}, listener::onError, listener::onCompleted));
					}
					return method.invoke(watch, args);
				});
		return (Client) Proxy.newProxyInstance(Client.class.getClassLoader(), new Class<?>[] { Client.class }, (proxy,
				method, args) -> method.getName().equals("getWatchClient") ? silent : method.invoke(client, args));
	}

	/**
	 * Keeps the latest value of each key it is told about.
	 */
	static final class Recorder implements EtcdPrefixWatcher.Target {

		final Map<String, String> values = new ConcurrentHashMap<>();

		private final long loaded;

		Recorder(long loaded) {
			this.loaded = loaded;
			this.values.put("/watched/key-0", "start");
		}

		@Override
		public List<EtcdKeyRange> ranges() {
			return List.of(EtcdKeyRange.prefix("/watched/"));
		}

		@Override
		public long loadedRevision() {
			return this.loaded;
		}

		@Override
		public void apply(List<EtcdKeyEvent> events, long revision) {
			for (EtcdKeyEvent event : events) {
				String key = new String(event.key(), StandardCharsets.UTF_8);
				if (event.isDelete()) {
					this.values.remove(key);
				}
				else {
					this.values.put(key, new String(event.value(), StandardCharsets.UTF_8));
				}
			}
		}

		@Override
		public void resync(List<EtcdKeyEvent> keys, long revision) {
			this.values.clear();
			apply(keys, revision);
		}

	}

}
