package io.github.etcdconfig.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.etcdconfig.client.EtcdValidation;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Service registration and discovery on etcd: where instances are registered, how this
 * one describes itself and how its registration is kept alive.
 *
 * <p>
 * The class validates itself, so a wrong value fails start-up with a message that names
 * the setting.
 */
@ConfigurationProperties(prefix = EtcdDiscoveryProperties.PREFIX)
public class EtcdDiscoveryProperties implements Validator {

	/** The default key prefix of the registry. */
	public static final String DEFAULT_PREFIX = "/services/";

	/** The prefix of these settings. */
	public static final String PREFIX = "etcd.discovery";

	/**
	 * Whether to register this application in etcd and discover services from it.
	 */
	private boolean enabled = true;

	/**
	 * Key prefix of the registry. An instance is registered at
	 * {prefix}{service-name}/{instance-id}, as in the seed's
	 * /services/auth-service/auth-service-1.
	 */
	private String prefix = DEFAULT_PREFIX;

	/**
	 * Name to register this application under. Defaults to spring.application.name;
	 * without either, the application discovers services but does not register.
	 */
	private String serviceName;

	/**
	 * Id of this instance, unique within its service; the last segment of its key.
	 * Defaults to {service-name}-{host}-{port}, with the process id in place of the port
	 * when there is none.
	 */
	private String instanceId;

	/**
	 * Host name to register. Defaults to the host name Spring Cloud's InetUtils finds
	 * (spring.cloud.inetutils.*).
	 */
	private String host;

	/**
	 * IP address to register when prefer-ip-address is true. Defaults to the address
	 * InetUtils finds.
	 */
	private String ipAddress;

	/**
	 * Whether to register the IP address instead of the host name.
	 */
	private boolean preferIpAddress;

	/**
	 * Port to register. Defaults to the port of the embedded web server; an application
	 * without one registers this port, or 0 (listed, but not callable) when it is not
	 * set.
	 */
	private Integer port;

	/**
	 * Whether the instance is called over https.
	 */
	private boolean secure;

	/**
	 * Status written at registration. The service registry actuator endpoint can change
	 * it at run time, for example to OUT_OF_SERVICE.
	 */
	private String status = "healthy";

	/**
	 * Statuses of instances that discovery returns, compared ignoring case. An entry
	 * without a status counts as healthy; any other status (OUT_OF_SERVICE, DOWN,
	 * starting...) hides the instance.
	 */
	private List<String> healthyStatuses = new ArrayList<>(List.of("healthy", "UP"));

	/**
	 * Metadata registered with the instance, returned by ServiceInstance.getMetadata() to
	 * the callers.
	 */
	private Map<String, String> metadata = new LinkedHashMap<>();

	/**
	 * Time to live of the registration's lease: an instance that stops renewing it
	 * disappears from discovery after this long. etcd counts whole seconds.
	 */
	private Duration ttl = Duration.ofSeconds(10);

	/**
	 * Interval of the heartbeats that renew the lease. Defaults to a third of the TTL, so
	 * two heartbeats can fail before the registration expires.
	 */
	private Duration heartbeatInterval;

	/**
	 * Whether start-up fails when the first registration fails. When false, the
	 * application starts and keeps trying in the background.
	 */
	private boolean failFast;

	/**
	 * Shortest time between two writes of the configuration status (the applied etcd
	 * revision, staleness and watch state) into the registration. A change after a quiet
	 * period is written at once; the changes of a burst of refreshes are written
	 * together, the last one always.
	 */
	private Duration configStatusInterval = Duration.ofSeconds(1);

	/**
	 * How often the aggregate status of the application's health indicators (UP, DOWN,
	 * OUT_OF_SERVICE, UNKNOWN) is checked and, when it changed, written into the
	 * registration as "health", where a staged rollout watches it. Needs Spring Boot
	 * actuator's health endpoint. Zero or negative: no health is published.
	 */
	private Duration healthInterval = Duration.ofSeconds(5);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPrefix() {
		return this.prefix;
	}

	public void setPrefix(String prefix) {
		this.prefix = prefix;
	}

	public String getServiceName() {
		return this.serviceName;
	}

	public void setServiceName(String serviceName) {
		this.serviceName = serviceName;
	}

	public String getInstanceId() {
		return this.instanceId;
	}

	public void setInstanceId(String instanceId) {
		this.instanceId = instanceId;
	}

	public String getHost() {
		return this.host;
	}

	public void setHost(String host) {
		this.host = host;
	}

	public String getIpAddress() {
		return this.ipAddress;
	}

	public void setIpAddress(String ipAddress) {
		this.ipAddress = ipAddress;
	}

	public boolean isPreferIpAddress() {
		return this.preferIpAddress;
	}

	public void setPreferIpAddress(boolean preferIpAddress) {
		this.preferIpAddress = preferIpAddress;
	}

	public Integer getPort() {
		return this.port;
	}

	public void setPort(Integer port) {
		this.port = port;
	}

	public boolean isSecure() {
		return this.secure;
	}

	public void setSecure(boolean secure) {
		this.secure = secure;
	}

	public String getStatus() {
		return this.status;
	}

	public void setStatus(String status) {
		this.status = status;
	}

	public List<String> getHealthyStatuses() {
		return this.healthyStatuses;
	}

	public void setHealthyStatuses(List<String> healthyStatuses) {
		this.healthyStatuses = healthyStatuses;
	}

	public Map<String, String> getMetadata() {
		return this.metadata;
	}

	public void setMetadata(Map<String, String> metadata) {
		this.metadata = metadata;
	}

	public Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(Duration ttl) {
		this.ttl = ttl;
	}

	public Duration getHeartbeatInterval() {
		return this.heartbeatInterval;
	}

	public void setHeartbeatInterval(Duration heartbeatInterval) {
		this.heartbeatInterval = heartbeatInterval;
	}

	/**
	 * The heartbeat interval in effect.
	 * @return the configured interval, or a third of the TTL
	 */
	public Duration heartbeatIntervalOrDefault() {
		return (this.heartbeatInterval != null) ? this.heartbeatInterval : this.ttl.dividedBy(3);
	}

	public boolean isFailFast() {
		return this.failFast;
	}

	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	public Duration getConfigStatusInterval() {
		return this.configStatusInterval;
	}

	public void setConfigStatusInterval(Duration configStatusInterval) {
		this.configStatusInterval = configStatusInterval;
	}

	public Duration getHealthInterval() {
		return this.healthInterval;
	}

	public void setHealthInterval(Duration healthInterval) {
		this.healthInterval = healthInterval;
	}

	/**
	 * Whether discovery returns an instance with this status.
	 * @param status a status as registered, {@code null} when the entry has none
	 * @return whether the instance is healthy
	 */
	public boolean isHealthy(String status) {
		return status == null || this.healthyStatuses.stream().anyMatch(status::equalsIgnoreCase);
	}

	@Override
	public boolean supports(Class<?> clazz) {
		return EtcdDiscoveryProperties.class.isAssignableFrom(clazz);
	}

	@Override
	public void validate(Object target, Errors errors) {
		EtcdDiscoveryProperties properties = (EtcdDiscoveryProperties) target;
		EtcdValidation.folder(errors, "prefix", properties.getPrefix(), "etcd.discovery.prefix", DEFAULT_PREFIX);
		if (properties.getServiceName() != null && !isSegment(properties.getServiceName())) {
			errors.rejectValue("serviceName", "etcd.discovery.segment.invalid",
					"etcd.discovery.service-name must not be blank nor contain '/'");
		}
		if (properties.getInstanceId() != null && !isSegment(properties.getInstanceId())) {
			errors.rejectValue("instanceId", "etcd.discovery.segment.invalid",
					"etcd.discovery.instance-id must not be blank nor contain '/'");
		}
		if (properties.getPort() != null && (properties.getPort() < 0 || properties.getPort() > 65535)) {
			errors.rejectValue("port", "etcd.discovery.port.invalid",
					"etcd.discovery.port must be between 0 and 65535");
		}
		if (!StringUtils.hasText(properties.getStatus())) {
			errors.rejectValue("status", "etcd.discovery.status.empty", "etcd.discovery.status must not be empty");
		}
		if (properties.getHealthyStatuses() == null || properties.getHealthyStatuses().isEmpty()) {
			errors.rejectValue("healthyStatuses", "etcd.discovery.healthy-statuses.empty",
					"etcd.discovery.healthy-statuses must name at least one status");
		}
		Duration ttl = properties.getTtl();
		if (EtcdValidation.leaseTtl(errors, "ttl", ttl, "etcd.discovery.ttl")) {
			Duration heartbeat = properties.heartbeatIntervalOrDefault();
			if (heartbeat.isNegative() || heartbeat.isZero() || heartbeat.compareTo(ttl) >= 0) {
				errors.rejectValue("heartbeatInterval", "etcd.discovery.heartbeat-interval.invalid",
						"etcd.discovery.heartbeat-interval must be positive and shorter than etcd.discovery.ttl");
			}
		}
		EtcdValidation.positive(errors, "configStatusInterval", properties.getConfigStatusInterval(),
				"etcd.discovery.config-status-interval");
	}

	private static boolean isSegment(String value) {
		return StringUtils.hasText(value) && !value.contains("/");
	}

}
