package io.github.etcdconfig.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.etcdconfig.benchmarks.Apps.Mode;
import io.github.etcdconfig.benchmarks.Stats.Runs;
import io.github.etcdconfig.config.EtcdConfigDataResource;
import io.github.etcdconfig.ranges.EtcdConfigReader;
import io.github.etcdconfig.config.EtcdConfigSnapshot;
import io.github.etcdconfig.config.EtcdConfigStore;
import io.github.etcdconfig.config.EtcdConfigStores;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Start-up costs: loading N keys through the product's own loader
 * ({@link EtcdConfigStores#load}, what an application does at start-up: connect, read
 * every page at one revision, build the snapshot), and the start of the whole application
 * with etcd-config against the same application with {@code etcd.config.enabled=false}.
 */
final class StartupBenchmark {

	private static final Log logger = LogFactory.getLog(StartupBenchmark.class);

	/**
	 * Loading N keys.
	 *
	 * @param keys the number of keys
	 * @param total {@code EtcdConfigStores.load}: client, read and snapshot
	 * @param read the paged read alone
	 * @param build building the snapshot from the keys read
	 */
	record Load(int keys, Runs total, Runs read, Runs build) {
	}

	/**
	 * Starting the application with N keys in etcd.
	 *
	 * @param keys the number of keys
	 * @param enabled with etcd-config
	 * @param disabled with {@code etcd.config.enabled=false}
	 */
	record Start(int keys, Runs enabled, Runs disabled) {
	}

	/**
	 * Starting the application in a fresh JVM, as a new user does, with N keys in etcd
	 * against none.
	 *
	 * @param keys the number of keys
	 * @param crypto whether spring-security-crypto was on the class path, and with it
	 * Spring Cloud's scan of every property for {@code {cipher}} values
	 * @param withKeys from launching the JVM until the application has started
	 * @param none the same, etcd-config reading a prefix that holds no key
	 * @param withKeysCpu the CPU time the JVM used until then, all threads
	 * @param noneCpu the same, with no key
	 */
	record Cold(int keys, boolean crypto, Runs withKeys, Runs none, Runs withKeysCpu, Runs noneCpu) {
	}

	/** Read by the application that starts with no keys: nothing is stored under it. */
	static final String NONE_PREFIX = "/bench-none/";

	private final String endpoints;

	private final List<Load> loads = new ArrayList<>();

	private final List<Start> starts = new ArrayList<>();

	private final List<Cold> colds = new ArrayList<>();

	StartupBenchmark(String endpoints) {
		this.endpoints = endpoints;
	}

	List<Load> loads() {
		return this.loads;
	}

	List<Start> starts() {
		return this.starts;
	}

	List<Cold> colds() {
		return this.colds;
	}

	EtcdConfigDataResource resource(String prefix) {
		Binder binder = new Binder(new MapConfigurationPropertySource(
				Map.of("etcd.endpoints", this.endpoints, "etcd.config.prefixes", prefix)));
		return EtcdConfigDataResource.create(binder, "", List.of(), false);
	}

	/**
	 * Measure loading what etcd holds now.
	 * @param keys how many keys it holds
	 * @param warmUps unrecorded runs first
	 * @param runs recorded runs
	 */
	void measureLoad(int keys, int warmUps, int runs) {
		EtcdConfigDataResource resource = resource("/config/");
		long[] total = new long[runs];
		long[] read = new long[runs];
		long[] build = new long[runs];
		for (int i = -warmUps; i < runs; i++) {
			EtcdConfigStores stores = EtcdConfigStores.get(new DefaultBootstrapContext());
			long start = System.nanoTime();
			EtcdConfigStore store = stores.load(resource, logger);
			long loaded = System.nanoTime();
			check(store.getSnapshot().getKeyCount() >= keys, "loaded " + store.getSnapshot().getKeyCount() + " keys");
			try {
				EtcdConfigReader.Result result = store.read();
				long readDone = System.nanoTime();
				EtcdConfigSnapshot.of(resource.getLayout(), result.revision(), result.keys(), (problem) -> {
				});
				long built = System.nanoTime();
				if (i >= 0) {
					total[i] = loaded - start;
					read[i] = readDone - loaded;
					build[i] = built - readDone;
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
			finally {
				stores.destroy();
			}
		}
		Load load = new Load(keys, Runs.of(total), Runs.of(read), Runs.of(build));
		this.loads.add(load);
		System.out.printf("  load %6d keys: %8.1f ms median (read %.1f, build %.1f)%n", keys, load.total().median(),
				load.read().median(), load.build().median());
	}

	/**
	 * Measure the application's start, alternating with and without etcd-config so that
	 * drift hits both alike.
	 */
	void measureStart(int keys, int warmUps, int runs) {
		long[] enabled = new long[runs];
		long[] disabled = new long[runs];
		for (int i = -warmUps; i < runs; i++) {
			long on = timeStart(Mode.ETCD_CONFIG, keys);
			long off = timeStart(Mode.DISABLED, keys);
			if (i >= 0) {
				enabled[i] = on;
				disabled[i] = off;
			}
		}
		Start start = new Start(keys, Runs.of(enabled), Runs.of(disabled));
		this.starts.add(start);
		System.out.printf("  start %6d keys: %8.1f ms with etcd-config, %8.1f ms without%n", keys,
				start.enabled().median(), start.disabled().median());
	}

	private long timeStart(Mode mode, int keys) {
		long start = System.nanoTime();
		try (ConfigurableApplicationContext context = Apps.start(mode, this.endpoints)) {
			long started = System.nanoTime();
			String last = context.getEnvironment().getProperty(Keys.name(keys - 1));
			check((mode == Mode.ETCD_CONFIG) == Keys.value(keys - 1).equals(last), mode + " sees " + last);
			return started - start;
		}
	}

	/**
	 * Measure starts in fresh JVMs (class loading, JIT and all), alternating N keys with
	 * none.
	 * @param crypto with spring-security-crypto on the class path
	 */
	void measureColdStart(int keys, int warmUps, int runs, boolean crypto) {
		long[][] withKeys = new long[2][runs];
		long[][] none = new long[2][runs];
		for (int i = -warmUps; i < runs; i++) {
			long[] on = timeColdStart(keys - 1, crypto);
			long[] off = timeColdStart(-1, crypto, "etcd.config.prefixes=" + NONE_PREFIX);
			if (i >= 0) {
				for (int j = 0; j < 2; j++) {
					withKeys[j][i] = on[j];
					none[j][i] = off[j];
				}
			}
		}
		Cold cold = new Cold(keys, crypto, Runs.of(withKeys[0]), Runs.of(none[0]), Runs.of(withKeys[1]),
				Runs.of(none[1]));
		this.colds.add(cold);
		System.out.printf("  fresh JVM %6d keys%s: %8.1f ms (CPU %8.1f ms), with none %8.1f ms (CPU %8.1f ms)%n", keys,
				crypto ? " with spring-security-crypto" : "", cold.withKeys().median(), cold.withKeysCpu().median(),
				cold.none().median(), cold.noneCpu().median());
	}

	// Nanoseconds from launching the JVM to the line ColdStart prints once
	// SpringApplication.run returned, and the
	// CPU time the line reports.
	private long[] timeColdStart(int last, boolean crypto, String... properties) {
		String classPath = System.getProperty("java.class.path");
		if (crypto) {
			classPath += File.pathSeparator + System.getProperty("bench.crypto");
		}
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
						ColdStart.class.getName(), this.endpoints, Integer.toString(last)));
		command.addAll(List.of(properties));
		StringBuilder output = new StringBuilder();
		long started = -1;
		long cpu = -1;
		long start = System.nanoTime();
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			try (BufferedReader lines = process.inputReader()) {
				for (String line = lines.readLine(); line != null; line = lines.readLine()) {
					if (started < 0 && line.startsWith(ColdStart.STARTED)) {
						started = System.nanoTime();
						cpu = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(line.substring(ColdStart.STARTED.length())));
					}
					else {
						output.append(line).append('\n');
					}
				}
			}
			check(process.waitFor() == 0 && started > 0, "the application's JVM failed:\n" + output);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		return new long[] { started - start, cpu };
	}

	static void check(boolean condition, String message) {
		if (!condition) {
			throw new IllegalStateException("Unexpected: " + message);
		}
	}

}
