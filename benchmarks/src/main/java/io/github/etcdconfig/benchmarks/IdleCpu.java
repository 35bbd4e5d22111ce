package io.github.etcdconfig.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdKeys;

/**
 * The CPU an idle instance uses on its own machine, the starter's against bare jetcd
 * watches of the same key ranges with the same options (issue 25: within 1.5×): the
 * starter's watcher alone ({@code starter}, as in the scale benchmark), a whole Spring
 * application with it ({@code application}), and one registered with etcd-discovery
 * ({@code registered}). Each kind runs in a JVM of its own against one etcd member with
 * etcd's default progress notification interval (10 min), as in production; after a
 * warm-up, the JVM's threads are read from Linux's scheduler statistics
 * ({@link SchedStats}) over the measured interval: CPU time and wake-ups, per thread
 * group. Run it on a quiet machine:
 *
 * <pre>
 * ./mvnw -B -q -Pbenchmarks -pl benchmarks -am package dependency:build-classpath -Dmdep.outputFile=target/classpath -DskipTests
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath)" io.github.etcdconfig.benchmarks.IdleCpu [seconds] [rounds] [kinds]
 * </pre>
 */
public final class IdleCpu {

	private static final Duration WARM_UP = Duration.ofSeconds(15);

	private IdleCpu() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("instance")) {
			instance(args[1], args[2]);
			return;
		}
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 60;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 2;
		String[] kinds = ((args.length > 2) ? args[2] : "watches,starter,application,registered").split(",");
		try (EtcdCluster etcd = EtcdCluster.builder()
			.arg("--experimental-watch-progress-notify-interval=10m")
			.build()) {
			etcd.start();
			try (EtcdKeys keys = new EtcdKeys(etcd.newClient())) {
				for (int i = 0; i < 100; i++) {
					keys.put("/config/application/key-" + i, "value-" + i);
					keys.put("/config/app0/key-" + i, "value-" + i);
				}
			}
			for (int round = 0; round < rounds; round++) {
				for (String mode : kinds) {
					measure(mode, etcd.endpointsProperty(), seconds);
				}
			}
		}
	}

	private static void measure(String mode, String endpoints, int seconds) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(java, "-Xms256m", "-Xmx256m", "-XX:+UseG1GC", "-cp",
				System.getProperty("java.class.path"), IdleCpu.class.getName(), "instance", mode, endpoints)
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = out.readLine()) != null && !line.equals("WATCHING")) {
				// the instance's own output until it watches
			}
			TimeUnit.MILLISECONDS.sleep(WARM_UP.toMillis());
			Map<String, long[]> before = SchedStats.read(process.pid(), null);
			TimeUnit.SECONDS.sleep(seconds);
			Map<String, long[]> after = SchedStats.read(process.pid(), null);
			long cpu = 0;
			long wakeUps = 0;
			Map<String, String> groups = new TreeMap<>();
			for (Map.Entry<String, long[]> group : after.entrySet()) {
				long[] start = before.getOrDefault(group.getKey(), new long[3]);
				long groupCpu = group.getValue()[0] - start[0];
				long groupWakeUps = group.getValue()[2] - start[2];
				cpu += groupCpu;
				wakeUps += groupWakeUps;
				if (groupWakeUps > 0) {
					groups.put(group.getKey(),
							String.format("%.2f ms, %.0f wake-ups/min", groupCpu / 1e6, groupWakeUps * 60.0 / seconds));
				}
			}
			System.out.printf("%s: %.1f ms of CPU in %d s (%.3f %% of a core), %.0f wake-ups/min%n", mode, cpu / 1e6,
					seconds, cpu / 1e7 / seconds, wakeUps * 60.0 / seconds);
			groups.forEach((group, used) -> System.out.println("  " + group + ": " + used));
		}
		finally {
			process.destroyForcibly().waitFor();
		}
	}

	// The measured JVM: one instance, watching until it is killed.
	private static void instance(String mode, String endpoints) throws Exception {
		if (mode.equals("application") || mode.equals("registered")) {
			Apps.start(Apps.Mode.ETCD_CONFIG, endpoints, "spring.application.name=app0",
					"etcd.discovery.enabled=" + mode.equals("registered"), "etcd.discovery.port=8080");
			System.out.println("WATCHING");
			System.out.flush();
			TimeUnit.DAYS.sleep(1);
			return;
		}
		ScaleArrivals arrivals = new ScaleArrivals(1);
		ScaleInstance instance = switch (mode) {
			case "watches" -> ScaleBareInstance.starterWatches(0, ScaleInstance.resource(endpoints, "app0"), arrivals);
			default -> new ScaleStarterInstance(0, ScaleInstance.resource(endpoints, "app0"), arrivals);
		};
		instance.connect();
		instance.watch();
		while (!instance.isWatching()) {
			TimeUnit.MILLISECONDS.sleep(10);
		}
		System.out.println("WATCHING");
		System.out.flush();
		TimeUnit.DAYS.sleep(1);
	}

}
