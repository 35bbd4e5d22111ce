package io.github.etcdconfig.samples.configmanager;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * GET /config: the current values, as the seed's configManager.get() would return them.
 */
@RestController
public class ConfigController {

	private final DatabaseProperties database;

	private final ObjectProvider<ApiSettings> api;

	// A plain singleton field: the starter updates it in place when /config/app-name
	// changes.
	@Value("${app-name:unnamed}")
	private volatile String appName;

	// Absent without the refresh scope (ahead of time, native): see ApiSettings.
	public ConfigController(DatabaseProperties database, ObjectProvider<ApiSettings> api) {
		this.database = database;
		this.api = api;
	}

	@GetMapping("/config")
	public Map<String, Object> config() {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("app-name", this.appName);
		config.put("database.host", this.database.getHost());
		config.put("database.port", this.database.getPort());
		config.put("database.name", this.database.getName());
		this.api.ifAvailable((api) -> {
			config.put("api.rate-limit", api.getRateLimit());
			config.put("api.timeout", api.getTimeout());
		});
		return config;
	}

}
