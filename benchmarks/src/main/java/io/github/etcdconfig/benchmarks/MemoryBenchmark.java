package io.github.etcdconfig.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import javax.management.ObjectName;

import io.github.etcdconfig.benchmarks.Apps.Mode;
import io.github.etcdconfig.benchmarks.ProbeApplication.ProbeProperties;
import io.github.etcdconfig.config.EtcdConfigDataResource;
import io.github.etcdconfig.config.EtcdConfigStore;
import io.github.etcdconfig.config.EtcdConfigStores;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Retained heap, from class histograms ({@code jcmd <pid> GC.class_histogram}, taken
 * in-process through the DiagnosticCommand MBean): each one first runs a full GC, then
 * counts the live objects of every class. The store's own share is the difference between
 * the store holding its snapshot of N keys and the same store after its snapshot was
 * replaced by an empty one: same client, same threads, only the snapshot gone. The
 * application's is the difference between the running application with N keys and the
 * same application with none.
 *
 * <p>
 * Softly reachable objects count: Spring Boot keeps its name caches behind soft
 * references, and a full GC clears a soft reference only when it has not been used for as
 * many seconds as the heap has free megabytes ({@code -XX:SoftRefLRUPolicyMSPerMB}, 1 s
 * by default), far longer than a measure takes. They stay in a running application too,
 * so they are part of what it retains; {@link BootNameCaches} checks after each histogram
 * that they are still there.
 */
final class MemoryBenchmark {

	private static final Log logger = LogFactory.getLog(MemoryBenchmark.class);

	/**
	 * Retained heap of the store's snapshot at N keys.
	 *
	 * @param keys the number of keys
	 * @param keyValueBytes the bytes of the keys and values as etcd holds them
	 * @param snapshotBytes retained by the store's snapshot
	 * @param top the classes that account for most of the snapshot
	 */
	record Result(int keys, long keyValueBytes, long snapshotBytes, List<ClassBytes> top) {

		double snapshotPerKey() {
			return (double) this.snapshotBytes / this.keys;
		}

		double targetPerKey() {
			return 3.0 * this.keyValueBytes / this.keys + 200;
		}

	}

	/**
	 * Retained heap of the whole running application at N keys, against the same
	 * application with none.
	 *
	 * @param keys the number of keys
	 * @param bytes retained by the application with the keys, less the same application
	 * without keys
	 * @param bootCaches what Spring Boot's name caches of the etcd source held after the
	 * measuring GC
	 * @param top the classes that account for most of the difference
	 */
	record Application(int keys, long bytes, String bootCaches, List<ClassBytes> top) {

		double perKey() {
			return (double) this.bytes / this.keys;
		}

	}

	/**
	 * A class's share of a difference.
	 *
	 * @param name the class
	 * @param instances the difference in instances
	 * @param bytes the difference in bytes
	 */
	record ClassBytes(String name, long instances, long bytes) {
	}

	private MemoryBenchmark() {
	}

	static Result measure(StartupBenchmark startup, int keys) {
		EtcdConfigDataResource resource = startup.resource("/config/");
		EtcdConfigStores stores = EtcdConfigStores.get(new DefaultBootstrapContext());
		Map<String, ClassBytes> full;
		Map<String, ClassBytes> emptied;
		try {
			EtcdConfigStore store = stores.load(resource, logger);
			StartupBenchmark.check(store.getSnapshot().getKeyCount() >= keys, "a store of " + keys + " keys");
			full = histogram();
			// What a store holds once every key is deleted.
			store.applyRead(List.of(), store.getSnapshot().getRevision(), (problem) -> {
			});
			emptied = histogram();
		}
		finally {
			stores.destroy();
		}
		List<ClassBytes> top = top(full, emptied);
		long snapshot = top.stream().mapToLong(ClassBytes::bytes).sum();
		Result result = new Result(keys, Keys.keyValueBytes(keys), snapshot, List.copyOf(top.subList(0, 8)));
		System.out.printf("  memory %d keys: snapshot %.0f B/key (target %.0f)%n", keys, result.snapshotPerKey(),
				result.targetPerKey());
		return result;
	}

	/**
	 * The whole application at each key count against the same application with no keys,
	 * each measured while it runs, after it has been used: its
	 * {@code @ConfigurationProperties} bean bound at start-up, then a value changed and a
	 * name added in etcd and both applied (the binder and the rebinder ran, and Spring
	 * Boot's name caches were built). One application is started and stopped first,
	 * unmeasured, so that what a first start leaves in static caches counts in none of
	 * them.
	 * @param counts the key counts, each above zero
	 * @return one result per count
	 */
	static List<Application> measureApplication(Keys keys, String endpoints, int[] counts) {
		try (ConfigurableApplicationContext app = Apps.start(Mode.ETCD_CONFIG, endpoints)) {
			use(app, keys);
		}
		Map<Integer, Map<String, ClassBytes>> histograms = new HashMap<>();
		Map<Integer, String> caches = new HashMap<>();
		int[] order = IntStream
			.concat(Arrays.stream(counts).boxed().sorted(Comparator.reverseOrder()).mapToInt(Integer::intValue),
					IntStream.of(0))
			.toArray();
		for (int count : order) {
			keys.ensure(count);
			try (ConfigurableApplicationContext app = Apps.start(Mode.ETCD_CONFIG, endpoints)) {
				use(app, keys);
				histograms.put(count, histogram());
				caches.put(count, BootNameCaches.describe(app));
			}
			finally {
				keys.delete(ProbeApplication.MAP_PREFIX + "memory");
			}
		}
		List<Application> results = new ArrayList<>();
		for (int count : counts) {
			List<ClassBytes> top = top(histograms.get(count), histograms.get(0));
			long bytes = top.stream().mapToLong(ClassBytes::bytes).sum();
			Application result = new Application(count, bytes, caches.get(count), List.copyOf(top.subList(0, 12)));
			results.add(result);
			System.out.printf("  application %6d keys: %.0f B/key; Boot's name caches: %s%n", count, result.perKey(),
					result.bootCaches());
		}
		return results;
	}

	private static void use(ConfigurableApplicationContext app, Keys keys) {
		ProbeProperties properties = app.getBean(ProbeProperties.class);
		String value = "memory-" + System.nanoTime();
		keys.put(ProbeApplication.PROPERTIES_KEY, value);
		keys.put(ProbeApplication.MAP_PREFIX + "memory", value);
		awaitTrue(() -> value.equals(properties.getValue()) && value.equals(properties.getMap().get("memory")),
				"the changes applied");
		StartupBenchmark.check(value.equals(app.getEnvironment().getProperty("bench.probe.props.map.memory")),
				"the new name in the Environment");
	}

	private static void awaitTrue(BooleanSupplier condition, String what) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!condition.getAsBoolean()) {
			StartupBenchmark.check(System.nanoTime() < deadline, "no " + what + " within 30 s");
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
	}

	// The differences by class, largest first.
	private static List<ClassBytes> top(Map<String, ClassBytes> after, Map<String, ClassBytes> before) {
		List<ClassBytes> top = difference(after, before);
		top.sort(Comparator.comparingLong(ClassBytes::bytes).reversed());
		return top;
	}

	private static List<ClassBytes> difference(Map<String, ClassBytes> after, Map<String, ClassBytes> before) {
		List<ClassBytes> difference = new ArrayList<>();
		after.forEach((name, counted) -> {
			ClassBytes earlier = before.getOrDefault(name, new ClassBytes(name, 0, 0));
			difference.add(
					new ClassBytes(name, counted.instances() - earlier.instances(), counted.bytes() - earlier.bytes()));
		});
		before.forEach((name, counted) -> {
			if (!after.containsKey(name)) {
				difference.add(new ClassBytes(name, -counted.instances(), -counted.bytes()));
			}
		});
		return difference;
	}

	/**
	 * Live objects by class, after a full GC.
	 * @return class name to count and bytes
	 */
	static Map<String, ClassBytes> histogram() {
		String output;
		try {
			output = (String) ManagementFactory.getPlatformMBeanServer()
				.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
						new Object[] { new String[0] }, new String[] { String[].class.getName() });
		}
		catch (Exception ex) {
			throw new IllegalStateException("No class histogram", ex);
		}
		// Lines look like " 1: 123456 7890123 [B (java.base@17.0.15)".
		Map<String, ClassBytes> classes = new HashMap<>();
		for (String line : output.split("\n")) {
			String[] fields = line.trim().split("\\s+");
			if (fields.length >= 4 && fields[0].endsWith(":")) {
				classes.merge(fields[3],
						new ClassBytes(fields[3], Long.parseLong(fields[1]), Long.parseLong(fields[2])),
						(a, b) -> new ClassBytes(a.name(), a.instances() + b.instances(), a.bytes() + b.bytes()));
			}
		}
		return classes;
	}

}
