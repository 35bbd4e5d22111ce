package io.github.etcdconfig.console.support;

import java.util.ArrayList;
import java.util.List;

import io.github.etcdconfig.config.EtcdConfigStores;
import io.github.etcdconfig.console.EtcdConsoleApplication;
import io.github.etcdconfig.sample.Greeter;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs the console and instances of the sample application in the test's JVM. Settings go
 * on the command line: it ranks above the console's {@code application.properties}, which
 * the sample also sees on the test class path.
 */
public final class Apps {

	private Apps() {
	}

	/**
	 * Start the console on a free port of the loopback address.
	 * @param endpoints the etcd endpoints
	 * @param settings more settings, name=value
	 * @return the running console
	 */
	public static ConfigurableApplicationContext console(String endpoints, String... settings) {
		List<String> args = new ArrayList<>(
				List.of("--server.port=0", "--etcd.endpoints=" + endpoints, "--etcd.request-timeout=3s"));
		settings(args, settings);
		return new SpringApplicationBuilder(EtcdConsoleApplication.class).run(args.toArray(String[]::new));
	}

	/**
	 * The console's address.
	 * @param console the console
	 * @return such as {@code http://127.0.0.1:41234}
	 */
	public static String url(ConfigurableApplicationContext console) {
		return "http://127.0.0.1:" + ((WebServerApplicationContext) console).getWebServer().getPort();
	}

	/**
	 * Start an instance of the sample application {@code greeter}, registered at
	 * 127.0.0.1 and a port of its own.
	 * @param endpoints the etcd endpoints
	 * @param port the port it registers with
	 * @param settings more settings, name=value
	 * @return the running instance
	 */
	public static ConfigurableApplicationContext greeter(String endpoints, int port, String... settings) {
		List<String> args = new ArrayList<>(List.of("--spring.application.name=greeter",
				"--etcd.endpoints=" + endpoints, "--etcd.config.enabled=true", "--etcd.discovery.enabled=true",
				"--spring.cloud.discovery.enabled=true",
				"--spring.cloud.service-registry.auto-registration.enabled=true", "--spring.cloud.refresh.enabled=true",
				"--etcd.discovery.host=127.0.0.1", "--etcd.discovery.port=" + port,
				"--etcd.discovery.config-status-interval=100ms"));
		settings(args, settings);
		return new SpringApplicationBuilder(Greeter.class).web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new));
	}

	/**
	 * The greeting an instance shows.
	 */
	public static String greeting(ConfigurableApplicationContext greeter) {
		return greeter.getBean(Greeter.Greeting.class).get();
	}

	/**
	 * The etcd revision an instance has read up to.
	 */
	public static long revision(ConfigurableApplicationContext greeter) {
		return greeter.getBean(EtcdConfigStores.class).getStores().get(0).getSnapshot().getRevision();
	}

	/**
	 * Stop what a test class started, in order, each whatever became of the others.
	 * @param closeables the browser, the console, instances, clients; {@code null} for
	 * those that never started
	 */
	public static void close(AutoCloseable... closeables) {
		for (AutoCloseable closeable : closeables) {
			try {
				if (closeable != null) {
					closeable.close();
				}
			}
			catch (Exception ex) {
				// Stopping.
			}
		}
	}

	// A setting given again replaces the default.
	private static void settings(List<String> args, String... settings) {
		for (String setting : settings) {
			String name = setting.substring(0, setting.indexOf('=') + 1);
			args.removeIf((arg) -> arg.startsWith("--" + name));
			args.add("--" + setting);
		}
	}

}
