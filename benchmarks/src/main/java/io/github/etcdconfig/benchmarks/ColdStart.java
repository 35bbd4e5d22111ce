package io.github.etcdconfig.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import com.sun.management.OperatingSystemMXBean;

import io.github.etcdconfig.benchmarks.Apps.Mode;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The probe application started in a JVM of its own, as a new user starts an application:
 * {@link StartupBenchmark} launches this class in a fresh JVM and times it until it
 * prints {@value #STARTED} and the CPU time the JVM has used. It then checks what the
 * application sees and exits.
 */
public final class ColdStart {

	static final String STARTED = "started; CPU ms ";

	private ColdStart() {
	}

	/**
	 * Start the probe application with etcd-config.
	 * @param args the etcd endpoints, the index of the last key it must see ({@code -1}
	 * for none), then properties as {@code name=value}
	 */
	public static void main(String[] args) {
		int last = Integer.parseInt(args[1]);
		String[] properties = Arrays.copyOfRange(args, 2, args.length);
		try (ConfigurableApplicationContext context = Apps.start(Mode.ETCD_CONFIG, args[0], properties)) {
			// All threads' CPU time so far: what the start cost, less sensitive than the
			// time to a busy machine.
			long cpu = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
			System.out.println(STARTED + cpu / 1_000_000);
			String seen = context.getEnvironment().getProperty((last >= 0) ? Keys.name(last) : Keys.name(0));
			StartupBenchmark.check((last >= 0) ? Keys.value(last).equals(seen) : seen == null,
					"the child sees " + seen);
		}
		System.exit(0);
	}

}
