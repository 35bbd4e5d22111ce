package io.github.etcdconfig.refresh;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.support.DatabaseProperties;
import io.github.etcdconfig.support.ChangeRecorder;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A reader of a property that did not change never sees a default, even in a bean that is
 * being rebound, nor an entry of a map go missing while other names of the map come and
 * go.
 */
class EtcdTornReadTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@Test
	void aReaderOfAnUnchangedPropertySeesNoDefaultDuring500Refreshes() throws Exception {
		EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config/database/host", "host-0");
		keys.put("/config/database/port", "5432");
		keys.put("/config/database/pool/max-size", "20");
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), new Class<?>[] { Beans.class })) {
			DatabaseProperties database = context.getBean(DatabaseProperties.class);
			ChangeRecorder recorder = context.getBean(ChangeRecorder.class);
			AtomicBoolean reading = new AtomicBoolean(true);
			AtomicLong reads = new AtomicLong();
			AtomicLong defaults = new AtomicLong();
			CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
				while (reading.get()) {
					reads.incrementAndGet();
					if (database.getPort() != 5432 || database.getPool().getMaxSize() != 20) {
						defaults.incrementAndGet();
					}
				}
			});
			for (int i = 1; i <= 500; i++) {
				keys.put("/config/database/host", "host-" + i);
				int expected = i;
				await().atMost(Duration.ofSeconds(10))
					.pollInterval(Duration.ofMillis(1))
					.until(() -> ("host-" + expected).equals(database.getHost()));
			}
			reading.set(false);
			reader.get();
			assertThat(recorder.changes()).hasSizeGreaterThanOrEqualTo(100);
			assertThat(reads.get()).isPositive();
			assertThat(defaults.get()).isZero();
		}
		finally {
			keys.client().close();
		}
	}

	@Test
	void anUnchangedEntryOfAMapNeverGoesMissingWhileOtherNamesComeAndGo() throws Exception {
		EtcdKeys keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config/routes/home", "/");
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), new Class<?>[] { Beans.class })) {
			RouteProperties routes = context.getBean(RouteProperties.class);
			AtomicBoolean reading = new AtomicBoolean(true);
			AtomicLong reads = new AtomicLong();
			AtomicLong missing = new AtomicLong();
			CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
				while (reading.get()) {
					reads.incrementAndGet();
					if (!"/".equals(routes.getRoutes().get("home"))) {
						missing.incrementAndGet();
					}
				}
			});
			for (int i = 1; i <= 200; i++) {
				String route = "r" + i;
				keys.put("/config/routes/" + route, "/" + route);
				keys.delete("/config/routes/r" + (i - 1));
				await().atMost(Duration.ofSeconds(10))
					.pollInterval(Duration.ofMillis(1))
					.until(() -> routes.getRoutes().containsKey(route) && routes.getRoutes().size() == 2);
			}
			reading.set(false);
			reader.get();
			assertThat(reads.get()).isPositive();
			assertThat(missing.get()).isZero();
		}
		finally {
			keys.client().close();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ DatabaseProperties.class, RouteProperties.class })
	@Import(ChangeRecorder.class)
	static class Beans {

	}

	@ConfigurationProperties
	static class RouteProperties {

		private volatile Map<String, String> routes = new LinkedHashMap<>();

		public Map<String, String> getRoutes() {
			return this.routes;
		}

		public void setRoutes(Map<String, String> routes) {
			this.routes = routes;
		}

	}

}
