package io.github.etcdconfig.benchmarks;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.etcdconfig.config.EtcdConfigDataResource;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * One simulated application instance: a jetcd client of its own, as a JVM of its own
 * would have, built by the starter's client factory from the default settings. It
 * connects first, then watches, so that etcd's cost of a connection and of a watch stream
 * can be told apart.
 */
interface ScaleInstance extends AutoCloseable {

	/** The key every instance watches; its value is the sequence number of the put. */
	String PROBE_KEY = "/config/scale/probe";

	/** The property name of {@link #PROBE_KEY}. */
	String PROBE_NAME = "scale.probe";

	/**
	 * Connect and read what the instance reads before it watches.
	 * @throws Exception when etcd cannot be read
	 */
	void connect() throws Exception;

	/**
	 * Start watching from the revision read + 1.
	 */
	void watch();

	/**
	 * Whether etcd confirmed every watch of the instance.
	 * @return whether it watches
	 */
	boolean isWatching();

	/**
	 * Watch breaks and full reads so far, to notice a disturbance shorter than a poll.
	 * @return a counter that grows with each
	 */
	long disturbances();

	@Override
	void close();

	/**
	 * The system property of a node JVM with the starter's settings of its instances
	 * beyond the defaults: {@code name:value} pairs joined by {@code +}.
	 */
	String SETTINGS = "bench.scale.instance";

	/**
	 * The starter's settings of one instance: the default layout for its application, the
	 * default client settings, and those of {@link #SETTINGS}.
	 * @param endpoints etcd's client URLs, comma-separated
	 * @param application spring.application.name
	 * @return the resource the starter would load
	 */
	static EtcdConfigDataResource resource(String endpoints, String application) {
		return resource(new HashMap<>(Map.of("etcd.endpoints", endpoints, "spring.application.name", application)));
	}

	/**
	 * The starter's settings of an instance that reads one prefix and keeps a snapshot
	 * file: the default client settings, and those of {@link #SETTINGS}.
	 * @param endpoints etcd's client URLs, comma-separated
	 * @param application spring.application.name
	 * @param prefix the one prefix read
	 * @param snapshot the snapshot file, or {@code null} for none
	 * @return the resource the starter would load
	 */
	static EtcdConfigDataResource resource(String endpoints, String application, String prefix,
			@Nullable Path snapshot) {
		Map<String, String> settings = new HashMap<>(Map.of("etcd.endpoints", endpoints, "spring.application.name",
				application, "etcd.config.prefixes", prefix));
		if (snapshot != null) {
			settings.put("etcd.config.snapshot.path", snapshot.toString());
		}
		return resource(settings);
	}

	private static EtcdConfigDataResource resource(Map<String, String> settings) {
		for (String setting : System.getProperty(SETTINGS, "").split("\\+")) {
			int colon = setting.indexOf(':');
			if (colon > 0) {
				settings.put(setting.substring(0, colon), setting.substring(colon + 1));
			}
		}
		return EtcdConfigDataResource.create(new Binder(new MapConfigurationPropertySource(settings)), "", List.of(),
				false);
	}

}
