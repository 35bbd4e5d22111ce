package io.github.etcdconfig.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import io.github.etcdconfig.benchmarks.Apps.Mode;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The probe application started in a JVM of its own, as a new user starts an application: {@link StartupBenchmark}
 * launches this class in a fresh JVM and times it until it prints {@value #STARTED}. It then checks what the
 * application sees and exits.
 */
public final class ColdStart {

	static final String STARTED = "started after ms ";

	private ColdStart() {
	}

	/**
	 * Start the probe application with etcd-config.
	 * @param args the etcd endpoints, the index of the last key it must see ({@code -1} for none), then properties
	 * as {@code name=value}
	 */
	public static void main(String[] args) {
		int last = Integer.parseInt(args[1]);
		String[] properties = Arrays.copyOfRange(args, 2, args.length);
		try (ConfigurableApplicationContext context = Apps.start(Mode.ETCD_CONFIG, args[0], properties)) {
			System.out.println(STARTED + ManagementFactory.getRuntimeMXBean().getUptime());
			String seen = context.getEnvironment().getProperty((last >= 0) ? Keys.name(last) : Keys.name(0));
			StartupBenchmark.check((last >= 0) ? Keys.value(last).equals(seen) : seen == null, "the child sees " + seen);
		}
		System.exit(0);
	}

}
