package io.github.etcdconfig.discovery;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.etcdconfig.client.EtcdBytes;
import io.github.etcdconfig.refresh.EtcdConfigRejection;
import io.github.etcdconfig.refresh.EtcdRejectedProperty;
import io.github.etcdconfig.verify.EtcdConfigVerdict;

import org.springframework.boot.json.JsonParser;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.json.JsonWriter;

/**
 * The value of a registry entry, written by this starter and read from any writer.
 *
 * <p>
 * Written:
 * {@code {"instanceId", "serviceId", "host", "port", "secure", "uri", "endpoint", "status",
 * "metadata", "health"}}, where {@code health} is the aggregate status of the
 * application's health indicators (only with actuator and etcd.discovery.health-interval
 * on), and {@code endpoint} repeats {@code uri} in the seed's form, so the seed's Node.js
 * readers ({@code JSON.parse(v).endpoint}) find this instance too; and, when the
 * application loads configuration from etcd, {@code "config": {"revision", "stale",
 * "state", "verifies", "rejected", "verdicts"}} ({@link EtcdConfigStatus}), which readers
 * that ignore unknown fields never notice: {@code "rejected": {"revision", "properties":
 * [{"name", "reason"}]}} only while a revision is rejected, and {@code "verdicts":
 * [{"proposal", "verdict", "reason", "properties"}]}, newest first, only once there is
 * one, and {@code "rollout": {"id", "revision"}} only while the instance exposes the
 * values of a staged rollout. Entries written before these fields existed read as not
 * verifying, with nothing rejected.
 *
 * <p>
 * Read: a JSON object with {@code host} and {@code port}, or with only an
 * {@code endpoint} (or {@code uri}) URL as other languages write it ({@code {"endpoint":
 * "http://localhost:3001", "status": "healthy"}}): the host, port and scheme then come
 * from the URL, with 80 or 443 when it has no port. The service and instance ids always
 * come from the key, {prefix}{service}/{instance}, so two entries can never claim the
 * same instance.
 */
public final class EtcdInstanceFormat {

	private static final JsonWriter<Object> WRITER = JsonWriter.standard();

	private final JsonParser parser = JsonParserFactory.getJsonParser();

	/**
	 * The value to register.
	 * @param registration the instance
	 * @param status its status now
	 * @return the JSON value
	 */
	public String write(EtcdRegistration registration, String status) {
		Map<String, Object> value = new LinkedHashMap<>();
		value.put("instanceId", registration.getInstanceId());
		value.put("serviceId", registration.getServiceId());
		value.put("host", registration.getHost());
		value.put("port", registration.getPort());
		value.put("secure", registration.isSecure());
		String uri = registration.getUri().toString();
		value.put("uri", uri);
		value.put("endpoint", uri);
		value.put("status", status);
		value.put("metadata", registration.getMetadata());
		if (registration.getHealth() != null) {
			value.put("health", registration.getHealth());
		}
		EtcdConfigStatus config = registration.getConfigStatus();
		if (config != null) {
			Map<String, Object> applied = new LinkedHashMap<>();
			applied.put("revision", config.revision());
			applied.put("stale", config.stale());
			applied.put("state", config.state());
			applied.put("verifies", config.verifies());
			if (config.rejected() != null) {
				Map<String, Object> rejected = new LinkedHashMap<>();
				rejected.put("revision", config.rejected().revision());
				rejected.put("properties", writeProperties(config.rejected().properties()));
				applied.put("rejected", rejected);
			}
			if (!config.verdicts().isEmpty()) {
				applied.put("verdicts", config.verdicts().stream().map(EtcdInstanceFormat::writeVerdict).toList());
			}
			if (config.rollout() != null) {
				Map<String, Object> rollout = new LinkedHashMap<>();
				rollout.put("id", config.rollout().id());
				rollout.put("revision", config.rollout().revision());
				applied.put("rollout", rollout);
			}
			value.put("config", applied);
		}
		return WRITER.writeToString(value);
	}

	private static Map<String, Object> writeVerdict(EtcdConfigVerdict verdict) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("proposal", verdict.proposal());
		json.put("verdict", verdict.verdict().name());
		if (verdict.reason() != null) {
			json.put("reason", verdict.reason());
		}
		json.put("properties", writeProperties(verdict.properties()));
		return json;
	}

	private static List<Map<String, Object>> writeProperties(List<EtcdRejectedProperty> properties) {
		return properties.stream().map((property) -> {
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("name", property.name());
			json.put("reason", property.reason());
			return json;
		}).toList();
	}

	/**
	 * Read what an entry reports of its instance's configuration.
	 * @param value the raw value
	 * @return the status, or {@code null} when the entry reports none (other writers,
	 * applications that do not load configuration from etcd)
	 * @throws IllegalArgumentException when the value is not a JSON object or its status
	 * is malformed
	 */
	public EtcdConfigStatus readConfigStatus(byte[] value) {
		Object config = parse(value).get("config");
		if (config == null) {
			return null;
		}
		Map<String, Object> json = object(config, "config");
		return new EtcdConfigStatus(revision(json, "config.revision"), Boolean.TRUE.equals(bool(json, "stale")),
				text(json, "state"), Boolean.TRUE.equals(bool(json, "verifies")), rejection(json.get("rejected")),
				list(json.get("verdicts"), "config.verdicts").stream().map(EtcdInstanceFormat::readVerdict).toList(),
				rollout(json.get("rollout")));
	}

	private static EtcdConfigStatus.Rollout rollout(Object value) {
		if (value == null) {
			return null;
		}
		Map<String, Object> json = object(value, "config.rollout");
		String id = text(json, "id");
		if (id == null) {
			throw new IllegalArgumentException("its config.rollout has no id");
		}
		return new EtcdConfigStatus.Rollout(id, revision(json, "config.rollout.revision"));
	}

	/**
	 * Read the health an entry publishes: the aggregate status of its Spring Boot health
	 * indicators ({@code UP}, {@code DOWN}, {@code OUT_OF_SERVICE}, {@code UNKNOWN} or a
	 * custom one).
	 * @param value the raw value
	 * @return the health, or {@code null} when the entry publishes none (other writers,
	 * applications without actuator, etcd.discovery.health-interval off)
	 * @throws IllegalArgumentException when the value is not a JSON object or its health
	 * is not a string
	 */
	public String readHealth(byte[] value) {
		return text(parse(value), "health");
	}

	private static EtcdConfigRejection rejection(Object value) {
		if (value == null) {
			return null;
		}
		Map<String, Object> json = object(value, "config.rejected");
		return new EtcdConfigRejection(revision(json, "config.rejected.revision"),
				readProperties(json.get("properties"), "config.rejected"));
	}

	private static long revision(Map<String, Object> json, String name) {
		if (!(json.get("revision") instanceof Number number) || number.longValue() < 0) {
			throw new IllegalArgumentException("its " + name + " is not a revision");
		}
		return number.longValue();
	}

	private static EtcdConfigVerdict readVerdict(Object value) {
		Map<String, Object> json = object(value, "config.verdicts entry");
		String proposal = text(json, "proposal");
		String verdict = text(json, "verdict");
		if (proposal == null || verdict == null) {
			throw new IllegalArgumentException("a config.verdicts entry has no proposal or no verdict");
		}
		EtcdConfigVerdict.Verdict kind;
		try {
			kind = EtcdConfigVerdict.Verdict.valueOf(verdict);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("a config.verdicts entry is not ACCEPTED, REJECTED or IGNORED");
		}
		return new EtcdConfigVerdict(proposal, kind, text(json, "reason"),
				readProperties(json.get("properties"), "config.verdicts"));
	}

	private static List<EtcdRejectedProperty> readProperties(Object value, String where) {
		return list(value, where + ".properties").stream().map((entry) -> {
			Map<String, Object> json = object(entry, where + ".properties entry");
			String name = text(json, "name");
			if (name == null) {
				throw new IllegalArgumentException("a " + where + ".properties entry has no name");
			}
			String reason = text(json, "reason");
			return new EtcdRejectedProperty(name, (reason != null) ? reason : "");
		}).toList();
	}

	private static List<?> list(Object value, String name) {
		if (value == null) {
			return List.of();
		}
		if (!(value instanceof List<?> list)) {
			throw new IllegalArgumentException("its " + name + " is not a JSON array");
		}
		return list;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> object(Object value, String name) {
		if (!(value instanceof Map<?, ?> map)) {
			throw new IllegalArgumentException("its " + name + " is not a JSON object");
		}
		return (Map<String, Object>) map;
	}

	/**
	 * Read an entry.
	 * @param serviceId the service, from the key
	 * @param instanceId the instance, from the key
	 * @param value the raw value
	 * @return the instance
	 * @throws IllegalArgumentException when the value does not describe an instance; the
	 * message says why without quoting the value
	 */
	public EtcdServiceInstance read(String serviceId, String instanceId, byte[] value) {
		Map<String, Object> json = parse(value);
		String host = text(json, "host");
		Integer port = number(json, "port");
		Boolean secure = bool(json, "secure");
		String endpoint = (text(json, "endpoint") != null) ? text(json, "endpoint") : text(json, "uri");
		if (endpoint != null && (host == null || port == null || secure == null)) {
			URI url = url(endpoint);
			host = (host != null) ? host : url.getHost();
			secure = (secure != null) ? secure : "https".equalsIgnoreCase(url.getScheme());
			port = (port != null) ? port : ((url.getPort() > 0) ? url.getPort() : defaultPort(url.getScheme()));
		}
		if (host == null || host.isEmpty()) {
			throw new IllegalArgumentException("it has neither a host nor an endpoint URL");
		}
		if (port == null || port < 0 || port > 65535) {
			throw new IllegalArgumentException("it has no valid port");
		}
		return new EtcdServiceInstance(serviceId, instanceId, host, port, Boolean.TRUE.equals(secure),
				text(json, "status"), metadata(json.get("metadata")));
	}

	private Map<String, Object> parse(byte[] value) {
		try {
			return this.parser.parseMap(EtcdBytes.text(value));
		}
		catch (RuntimeException ex) {
			// Not the parser's message: it may quote the value.
			throw new IllegalArgumentException("the value is not a JSON object");
		}
	}

	private static URI url(String endpoint) {
		try {
			URI url = new URI(endpoint);
			if (url.getHost() == null) {
				throw new IllegalArgumentException("its endpoint is not a URL with a host, such as http://host:3001");
			}
			return url;
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("its endpoint is not a URL");
		}
	}

	private static int defaultPort(String scheme) {
		if ("http".equalsIgnoreCase(scheme)) {
			return 80;
		}
		if ("https".equalsIgnoreCase(scheme)) {
			return 443;
		}
		throw new IllegalArgumentException("its endpoint has no port and the scheme implies none");
	}

	private static String text(Map<String, Object> json, String name) {
		Object value = json.get(name);
		if (value == null) {
			return null;
		}
		if (!(value instanceof String text)) {
			throw new IllegalArgumentException("its " + name + " is not a string");
		}
		return text;
	}

	private static Integer number(Map<String, Object> json, String name) {
		Object value = json.get(name);
		if (value == null) {
			return null;
		}
		if (value instanceof Number number && number.doubleValue() == number.intValue()) {
			return number.intValue();
		}
		if (value instanceof String text && text.matches("\\d{1,5}")) {
			return Integer.valueOf(text);
		}
		throw new IllegalArgumentException("its " + name + " is not a whole number");
	}

	private static Boolean bool(Map<String, Object> json, String name) {
		Object value = json.get(name);
		if (value == null) {
			return null;
		}
		if (value instanceof Boolean flag) {
			return flag;
		}
		if (value instanceof String text && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
			return Boolean.valueOf(text);
		}
		throw new IllegalArgumentException("its " + name + " is not true or false");
	}

	private static Map<String, String> metadata(Object value) {
		if (value == null) {
			return Map.of();
		}
		if (!(value instanceof Map<?, ?> map)) {
			throw new IllegalArgumentException("its metadata is not a JSON object");
		}
		Map<String, String> metadata = new LinkedHashMap<>();
		map.forEach((key, entry) -> {
			if (entry != null) {
				metadata.put(String.valueOf(key), String.valueOf(entry));
			}
		});
		return metadata;
	}

}
