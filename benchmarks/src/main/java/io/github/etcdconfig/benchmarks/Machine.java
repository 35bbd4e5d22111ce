package io.github.etcdconfig.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.etcd.jetcd.Client;

import org.springframework.boot.SpringBootVersion;
import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.core.SpringVersion;

/**
 * What the figures were measured on.
 */
final class Machine {

	private Machine() {
	}

	/**
	 * The machine and the versions, in the order the report shows them.
	 * @param etcdEndpoint the client URL of the etcd member in use
	 * @return name to description
	 */
	static Map<String, String> describe(URI etcdEndpoint) {
		Map<String, String> machine = new LinkedHashMap<>();
		machine.put("CPU", field("/proc/cpuinfo", "model name") + " (" + Runtime.getRuntime().availableProcessors()
				+ " cores available to the JVM)");
		machine.put("Memory",
				Long.parseLong(field("/proc/meminfo", "MemTotal").replaceAll("\\D", "")) / 1024 / 1024 + " GiB");
		machine.put("OS", field("/etc/os-release", "PRETTY_NAME").replace("\"", "") + ", kernel "
				+ System.getProperty("os.version"));
		machine.put("JDK",
				System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + ", "
						+ String.join(" ",
								ManagementFactory.getRuntimeMXBean()
									.getInputArguments()
									.stream()
									.filter((argument) -> argument.startsWith("-X"))
									.toList()));
		machine.put("etcd", etcdVersion(etcdEndpoint) + ", one member on loopback, data directory on the local disk "
				+ "(" + System.getProperty("java.io.tmpdir") + ")");
		machine.put("Spring Boot", SpringBootVersion.getVersion());
		machine.put("Spring Framework", SpringVersion.getVersion());
		machine.put("Spring Cloud Context", RefreshScope.class.getPackage().getImplementationVersion());
		machine.put("jetcd", jarVersion(Client.class, "jetcd-core"));
		return machine;
	}

	/**
	 * The load average now.
	 * @return the 1, 5 and 15 minute load averages
	 */
	static String loadAverage() {
		try {
			List<String> fields = List.of(Files.readString(Path.of("/proc/loadavg")).trim().split(" "));
			return String.join(" / ", fields.subList(0, 3));
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	private static String field(String file, String name) {
		try {
			for (String line : Files.readAllLines(Path.of(file))) {
				int separator = line.indexOf((file.endsWith("os-release")) ? '=' : ':');
				if (separator > 0 && line.substring(0, separator).trim().equals(name)) {
					return line.substring(separator + 1).trim();
				}
			}
		}
		catch (IOException ex) {
			// Not Linux: say so below.
		}
		return "unknown";
	}

	private static String etcdVersion(URI endpoint) {
		try {
			String body = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(endpoint.resolve("/version")).build(),
						HttpResponse.BodyHandlers.ofString())
				.body();
			Matcher matcher = Pattern.compile("\"etcdserver\":\"([^\"]+)\"").matcher(body);
			return matcher.find() ? matcher.group(1) : body;
		}
		catch (IOException ex) {
			return "unknown";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "unknown";
		}
	}

	// jetcd's jar carries no version in its manifest; its file name does.
	private static String jarVersion(Class<?> type, String artifact) {
		String location = type.getProtectionDomain().getCodeSource().getLocation().getPath();
		Matcher matcher = Pattern.compile(artifact + "-([^/]+)\\.jar$").matcher(location);
		return matcher.find() ? matcher.group(1) : location;
	}

}
