package io.github.etcdconfig.benchmarks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.config.EtcdConfigLayout;
import io.github.etcdconfig.ranges.EtcdConfigReader;
import io.github.etcdconfig.config.EtcdConfigSnapshot;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;

/**
 * The baseline's configuration source, the way stock Spring Cloud integrations (Consul,
 * Zookeeper) work: every run reads all of {@code /config/} from etcd into a fresh
 * property source. Spring Cloud's {@code ConfigDataContextRefresher} runs it again on
 * each refresh, so each refresh re-reads etcd. Active only when {@value #ENDPOINTS} is
 * set; etcd-config's own loader is then disabled.
 */
public class StockEtcdEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String ENDPOINTS = "bench.stock.endpoints";

	static final String SOURCE_NAME = "etcd-stock";

	// One client per endpoint list for the JVM, as the stock integrations keep theirs: a
	// refresh does not pay
	// for a connection.
	private static final Map<String, Client> clients = new ConcurrentHashMap<>();

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String endpoints = environment.getProperty(ENDPOINTS);
		if (endpoints == null) {
			return;
		}
		Client client = clients.computeIfAbsent(endpoints, (key) -> Client.builder().endpoints(key.split(",")).build());
		EtcdConfigLayout layout = EtcdConfigLayout.resolve(List.of("/config/"), null, List.of());
		EtcdConfigSnapshot snapshot;
		try {
			EtcdConfigReader.Result read = new EtcdConfigReader(client.getKVClient(), Duration.ofSeconds(10), 500)
				.read(layout.ranges());
			snapshot = EtcdConfigSnapshot.of(layout, read.revision(), read.keys(), (problem) -> {
			});
		}
		catch (Exception ex) {
			throw new IllegalStateException("Cannot read etcd", ex);
		}
		Map<String, Object> properties = new LinkedHashMap<>();
		for (String name : snapshot.getPropertyNames()) {
			properties.put(name, snapshot.getProperty(name));
		}
		MutablePropertySources sources = environment.getPropertySources();
		MapPropertySource source = new MapPropertySource(SOURCE_NAME, properties);
		if (sources.contains(SOURCE_NAME)) {
			sources.replace(SOURCE_NAME, source);
		}
		else {
			sources.addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, source);
		}
	}

	static void closeClients() {
		clients.values().forEach(Client::close);
		clients.clear();
	}

}
