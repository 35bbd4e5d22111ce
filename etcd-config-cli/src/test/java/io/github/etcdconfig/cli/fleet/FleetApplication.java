package io.github.etcdconfig.cli.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import io.github.etcdconfig.refresh.EtcdConfigChangedEvent;
import jakarta.validation.constraints.Max;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.validation.annotation.Validated;

/**
 * One instance of a {@link Fleet}, run in a child JVM: etcd-config and etcd-discovery,
 * registered as {@code /services/<app>/<id>} with a short lease, and a loopback socket
 * that answers each line it reads with a line of what the application sees now:
 * {@code <refreshes> TAB <roll.value> TAB <roll.limit>} (empty for an absent property),
 * where refreshes counts the {@link EtcdConfigChangedEvent}s. A strict instance
 * ({@code roll.strict=true}) binds {@code roll.limit} with {@code @Max(100)}, so it
 * rejects a release that sets it higher.
 *
 * <p>
 * Arguments: {@code ENDPOINTS APP ID TTL STRICT [name=value...]} (more properties, for
 * example registration metadata). Prints {@code LISTENING <port>} once registered.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class FleetApplication {

	/** The property every rollout of the tests changes. */
	public static final String VALUE = "roll.value";

	/** The property a strict instance validates. */
	public static final String LIMIT = "roll.limit";

	@Bean
	RefreshCounter refreshCounter() {
		return new RefreshCounter();
	}

	public static void main(String[] args) throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(FleetApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "etcd.endpoints=" + args[0], "etcd.request-timeout=2s",
					"spring.application.name=" + args[1], "etcd.discovery.instance-id=" + args[2],
					"etcd.discovery.host=127.0.0.1", "etcd.discovery.port=8080", "etcd.discovery.ttl=" + args[3],
					"etcd.discovery.config-status-interval=100ms", "roll.strict=" + args[4], "logging.level.root=WARN")
			.properties(Arrays.copyOfRange(args, 5, args.length))
			.run();
		Environment environment = context.getEnvironment();
		RefreshCounter refreshes = context.getBean(RefreshCounter.class);
		ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		System.out.println("LISTENING " + server.getLocalPort());
		while (true) {
			Socket socket = server.accept();
			Thread answering = new Thread(() -> answer(socket, environment, refreshes), "fleet-answer");
			answering.setDaemon(true);
			answering.start();
		}
	}

	// One line asked, one line answered, for as long as the probe keeps the connection.
	private static void answer(Socket socket, Environment environment, RefreshCounter refreshes) {
		try (socket;
				BufferedReader in = new BufferedReader(
						new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
				OutputStream out = socket.getOutputStream()) {
			socket.setTcpNoDelay(true);
			while (in.readLine() != null) {
				out.write((refreshes.count() + "\t" + environment.getProperty(VALUE, "") + "\t"
						+ environment.getProperty(LIMIT, "") + "\n")
					.getBytes(StandardCharsets.UTF_8));
				out.flush();
			}
		}
		catch (IOException ex) {
			// The probe went away.
		}
	}

	/**
	 * Counts the changes from etcd that reached the application.
	 */
	static class RefreshCounter implements ApplicationListener<EtcdConfigChangedEvent> {

		private final AtomicLong count = new AtomicLong();

		@Override
		public void onApplicationEvent(EtcdConfigChangedEvent event) {
			this.count.incrementAndGet();
		}

		long count() {
			return this.count.get();
		}

	}

	/**
	 * What a strict instance binds and validates.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("roll.strict")
	@EnableConfigurationProperties(Limits.class)
	static class Strict {

	}

	/**
	 * The limit a strict instance refuses above 100.
	 */
	@Validated
	@ConfigurationProperties("roll")
	static class Limits {

		@Max(100)
		private int limit = 10;

		public int getLimit() {
			return this.limit;
		}

		public void setLimit(int limit) {
			this.limit = limit;
		}

	}

}
