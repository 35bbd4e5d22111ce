package io.github.etcdconfig.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.github.etcdconfig.config.EtcdConfigSnapshot;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.support.ValueHistory;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.refresh.EtcdConfigWatcher;
import io.github.etcdconfig.refresh.EtcdConfigWatchers;

import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * An application following etcd with quick recovery settings, and what the scenarios ask
 * of it.
 */
final class FollowingApp implements AutoCloseable {

	static final String COUNTER = "counter";

	private final ConfigurableApplicationContext context;

	private final ValueHistory counter = new ValueHistory(COUNTER);

	FollowingApp(String endpoints, String... properties) {
		List<String> all = new ArrayList<>(List.of("etcd.endpoints=" + endpoints, "etcd.config.watch.retry-delay=50ms",
				"etcd.config.watch.max-retry-delay=500ms", "etcd.config.watch.check-interval=1s",
				"etcd.request-timeout=1s", "etcd.keepalive-time=2s", "etcd.keepalive-timeout=1s"));
		all.addAll(List.of(properties));
		this.context = Apps.builder(new Class<?>[0], all.toArray(String[]::new)).run();
		this.context.addApplicationListener(this.counter);
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	String property(String name) {
		return this.context.getEnvironment().getProperty(name);
	}

	long counter() {
		String value = property(COUNTER);
		return (value != null) ? Long.parseLong(value) : 0;
	}

	List<String> counterHistory() {
		return this.counter.values();
	}

	boolean counterNeverWentBack() {
		return this.counter.neverWentBack();
	}

	EtcdConfigWatcher watcher() {
		return this.context.getBean(EtcdConfigWatchers.class).getWatchers().get(0);
	}

	/**
	 * Wait until the counter reaches a value.
	 * @return how long it took
	 */
	Duration awaitCounter(long value, Duration atMost) {
		long start = System.nanoTime();
		await().atMost(atMost).pollInterval(Duration.ofMillis(5)).until(() -> counter() >= value);
		return Duration.ofNanos(System.nanoTime() - start);
	}

	/**
	 * Wait until every key etcd holds under /config/ is served with etcd's value, and
	 * nothing else is.
	 * @return the keys that still differ at the deadline (0 when converged)
	 */
	long awaitSameAs(EtcdKeys etcd, Duration atMost) {
		Map<String, String> expected = etcd.values("/config/");
		try {
			await().atMost(atMost).pollInterval(Duration.ofMillis(10)).until(() -> differences(expected) == 0);
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			// Reported as lost updates.
		}
		return differences(expected);
	}

	// Keys served with another value than etcd's, and properties whose key etcd no longer
	// has.
	private long differences(Map<String, String> expected) {
		EtcdConfigSnapshot snapshot = watcher().getStore().getSnapshot();
		long stale = expected.entrySet()
			.stream()
			.filter((entry) -> !entry.getKey().endsWith(".yml"))
			.filter((entry) -> !entry.getValue().equals(property(name(entry.getKey()))))
			.count();
		long lingering = Arrays.stream(snapshot.getPropertyNames())
			.filter((name) -> !expected.containsKey(snapshot.getKey(name)))
			.count();
		return stale + lingering;
	}

	static String name(String key) {
		return key.substring("/config/".length()).replace('/', '.');
	}

	@Override
	public void close() {
		this.context.close();
	}

}
