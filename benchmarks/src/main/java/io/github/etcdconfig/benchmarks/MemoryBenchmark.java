package io.github.etcdconfig.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.management.ObjectName;

import io.github.etcdconfig.benchmarks.Apps.Mode;
import io.github.etcdconfig.config.EtcdConfigDataResource;
import io.github.etcdconfig.config.EtcdConfigSnapshot;
import io.github.etcdconfig.config.EtcdConfigStore;
import io.github.etcdconfig.config.EtcdConfigStores;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Retained heap, from class histograms ({@code jcmd <pid> GC.class_histogram}, taken in-process through the
 * DiagnosticCommand MBean): each one first runs a full GC, then counts the live objects of every class. The store's
 * own share is the difference between the store holding its snapshot of N keys and the same store after its
 * snapshot was replaced by an empty one: same client, same threads, only the snapshot gone.
 */
final class MemoryBenchmark {

	private static final Log logger = LogFactory.getLog(MemoryBenchmark.class);

	/**
	 * Retained heap at N keys.
	 *
	 * @param keys the number of keys
	 * @param keyValueBytes the bytes of the keys and values as etcd holds them
	 * @param snapshotBytes retained by the store's snapshot
	 * @param appBytes retained by a started application with etcd-config, less the same application without
	 * @param top the classes that account for most of the snapshot
	 */
	record Result(int keys, long keyValueBytes, long snapshotBytes, long appBytes, List<ClassBytes> top) {

		double snapshotPerKey() {
			return (double) this.snapshotBytes / this.keys;
		}

		double targetPerKey() {
			return 3.0 * this.keyValueBytes / this.keys + 200;
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

	static Result measure(StartupBenchmark startup, String endpoints, int keys) {
		EtcdConfigDataResource resource = startup.resource("/config/");
		EtcdConfigStores stores = EtcdConfigStores.get(new DefaultBootstrapContext());
		Map<String, ClassBytes> full;
		Map<String, ClassBytes> emptied;
		try {
			EtcdConfigStore store = stores.load(resource, logger);
			StartupBenchmark.check(store.getSnapshot().getKeyCount() >= keys, "a store of " + keys + " keys");
			full = histogram();
			store.setSnapshot(EtcdConfigSnapshot.empty(resource.getLayout(), store.getSnapshot().getRevision()));
			emptied = histogram();
		}
		finally {
			stores.destroy();
		}
		long app = retainedByApp(Mode.ETCD_CONFIG, endpoints) - retainedByApp(Mode.DISABLED, endpoints);
		List<ClassBytes> top = difference(full, emptied);
		long snapshot = top.stream().mapToLong(ClassBytes::bytes).sum();
		top.sort(Comparator.comparingLong(ClassBytes::bytes).reversed());
		Result result = new Result(keys, Keys.keyValueBytes(keys), snapshot, app, List.copyOf(top.subList(0, 8)));
		System.out.printf("  memory %d keys: snapshot %.0f B/key (target %.0f), application %.0f B/key%n", keys,
				result.snapshotPerKey(), result.targetPerKey(), (double) app / keys);
		return result;
	}

	private static long retainedByApp(Mode mode, String endpoints) {
		try (ConfigurableApplicationContext context = Apps.start(mode, endpoints)) {
			return histogram().values().stream().mapToLong(ClassBytes::bytes).sum();
		}
	}

	private static List<ClassBytes> difference(Map<String, ClassBytes> after, Map<String, ClassBytes> before) {
		List<ClassBytes> difference = new ArrayList<>();
		after.forEach((name, counted) -> {
			ClassBytes earlier = before.getOrDefault(name, new ClassBytes(name, 0, 0));
			difference.add(new ClassBytes(name, counted.instances() - earlier.instances(),
					counted.bytes() - earlier.bytes()));
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
		// Lines look like "   1:        123456       7890123  [B (java.base@17.0.15)".
		Map<String, ClassBytes> classes = new HashMap<>();
		for (String line : output.split("\n")) {
			String[] fields = line.trim().split("\\s+");
			if (fields.length >= 4 && fields[0].endsWith(":")) {
				classes.merge(fields[3], new ClassBytes(fields[3], Long.parseLong(fields[1]), Long.parseLong(fields[2])),
						(a, b) -> new ClassBytes(a.name(), a.instances() + b.instances(), a.bytes() + b.bytes()));
			}
		}
		return classes;
	}

}
