package io.github.etcdconfig.client;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * How to reach etcd: endpoints, credentials, TLS and timeouts. Shared by the
 * configuration loader, the watcher and the {@code Client} bean, so one set of
 * {@code etcd.*} settings serves them all.
 *
 * <p>
 * The class validates itself, so a wrong endpoint fails with a message that names the
 * setting.
 */
@ConfigurationProperties(prefix = EtcdProperties.PREFIX)
public class EtcdProperties implements Validator {

	/** The prefix of these settings. */
	public static final String PREFIX = "etcd";

	/**
	 * etcd client URLs, for example http://etcd-1:2379. Use https:// (or etcd.ssl.bundle)
	 * for TLS.
	 */
	private List<URI> endpoints = new ArrayList<>(List.of(URI.create("http://localhost:2379")));

	/**
	 * User name for etcd authentication. Leave empty when etcd runs without auth.
	 */
	private String username;

	/**
	 * Password for etcd authentication. Never logged.
	 */
	private String password;

	/**
	 * Key namespace applied by the client to every key, for example "/tenant-a". Keys
	 * under it look un-prefixed to the application.
	 */
	private String namespace;

	/**
	 * Authority (virtual host) to present to the server, when it differs from the
	 * endpoint host, for example the name in the server certificate.
	 */
	private String authority;

	/**
	 * Time allowed to open a connection to an endpoint.
	 */
	private Duration connectTimeout = Duration.ofSeconds(3);

	/**
	 * Deadline of every single etcd call made by the starter. jetcd itself would wait
	 * forever for an unreachable server.
	 */
	private Duration requestTimeout = Duration.ofSeconds(5);

	/**
	 * Interval of HTTP/2 keep-alive pings, so a dead connection is noticed even when no
	 * call is running.
	 */
	private Duration keepaliveTime = Duration.ofSeconds(30);

	/**
	 * Time to wait for a keep-alive ping's answer before the connection is considered
	 * dead.
	 */
	private Duration keepaliveTimeout = Duration.ofSeconds(10);

	/**
	 * How a client spreads its calls over the endpoints: 'one-member' connects to one
	 * endpoint, chosen at random so that a fleet spreads over the members, and moves to
	 * the next when that member is stopped, hung, without a leader or no longer applying
	 * changes, which costs a 3-member cluster a third of the connections of 'round-robin'
	 * and makes a client's start cheaper; 'round-robin' connects to every endpoint and
	 * spreads the calls over them (jetcd's own way).
	 */
	private LoadBalancing loadBalancing = LoadBalancing.ONE_MEMBER;

	private final Ssl ssl = new Ssl();

	public List<URI> getEndpoints() {
		return this.endpoints;
	}

	public void setEndpoints(List<URI> endpoints) {
		this.endpoints = endpoints;
	}

	public String getUsername() {
		return this.username;
	}

	public void setUsername(String username) {
		this.username = username;
	}

	public String getPassword() {
		return this.password;
	}

	public void setPassword(String password) {
		this.password = password;
	}

	public String getNamespace() {
		return this.namespace;
	}

	public void setNamespace(String namespace) {
		this.namespace = namespace;
	}

	public String getAuthority() {
		return this.authority;
	}

	public void setAuthority(String authority) {
		this.authority = authority;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	public void setRequestTimeout(Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
	}

	public Duration getKeepaliveTime() {
		return this.keepaliveTime;
	}

	public void setKeepaliveTime(Duration keepaliveTime) {
		this.keepaliveTime = keepaliveTime;
	}

	public Duration getKeepaliveTimeout() {
		return this.keepaliveTimeout;
	}

	public void setKeepaliveTimeout(Duration keepaliveTimeout) {
		this.keepaliveTimeout = keepaliveTimeout;
	}

	public LoadBalancing getLoadBalancing() {
		return this.loadBalancing;
	}

	public void setLoadBalancing(LoadBalancing loadBalancing) {
		this.loadBalancing = loadBalancing;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	/**
	 * Whether a client built from these settings connects exactly like one built from the
	 * other's.
	 * @param other other settings
	 * @return whether one client can serve both
	 */
	public boolean hasSameConnection(EtcdProperties other) {
		return Objects.equals(this.endpoints, other.endpoints) && Objects.equals(this.username, other.username)
				&& Objects.equals(this.password, other.password) && Objects.equals(this.namespace, other.namespace)
				&& Objects.equals(this.authority, other.authority)
				&& Objects.equals(this.connectTimeout, other.connectTimeout)
				&& Objects.equals(this.keepaliveTime, other.keepaliveTime)
				&& Objects.equals(this.keepaliveTimeout, other.keepaliveTimeout)
				&& this.loadBalancing == other.loadBalancing
				&& Objects.equals(this.ssl.getBundle(), other.ssl.getBundle());
	}

	@Override
	public boolean supports(Class<?> clazz) {
		return EtcdProperties.class.isAssignableFrom(clazz);
	}

	@Override
	public void validate(Object target, Errors errors) {
		EtcdProperties properties = (EtcdProperties) target;
		if (properties.getEndpoints() == null || properties.getEndpoints().isEmpty()) {
			errors.rejectValue("endpoints", "etcd.endpoints.empty", "etcd.endpoints must name at least one endpoint");
		}
		else {
			for (int i = 0; i < properties.getEndpoints().size(); i++) {
				URI endpoint = properties.getEndpoints().get(i);
				if (endpoint == null || endpoint.getHost() == null || endpoint.getPort() <= 0
						|| !("http".equalsIgnoreCase(endpoint.getScheme())
								|| "https".equalsIgnoreCase(endpoint.getScheme()))) {
					errors.rejectValue("endpoints[" + i + "]", "etcd.endpoints.invalid", "etcd.endpoints[" + i + "] '"
							+ EtcdEndpoints.redact(endpoint) + "' is not an http(s)://host:port URL");
				}
			}
		}
		if (StringUtils.hasText(properties.getUsername()) != StringUtils.hasText(properties.getPassword())) {
			errors.rejectValue("username", "etcd.credentials.incomplete",
					"etcd.username and etcd.password must be set together");
		}
		EtcdValidation.positive(errors, "connectTimeout", properties.getConnectTimeout(), "etcd.connect-timeout");
		EtcdValidation.positive(errors, "requestTimeout", properties.getRequestTimeout(), "etcd.request-timeout");
		EtcdValidation.positive(errors, "keepaliveTime", properties.getKeepaliveTime(), "etcd.keepalive-time");
		EtcdValidation.positive(errors, "keepaliveTimeout", properties.getKeepaliveTimeout(), "etcd.keepalive-timeout");
	}

	@Override
	public String toString() {
		// Never the password: this may end up in a log line.
		return "etcd " + EtcdEndpoints.describe(this.endpoints)
				+ (StringUtils.hasText(this.username) ? " as user '" + this.username + "'" : "")
				+ (StringUtils.hasText(this.namespace) ? " namespace '" + this.namespace + "'" : "");
	}

	/**
	 * How a client spreads its calls over the endpoints.
	 */
	public enum LoadBalancing {

		/**
		 * Connect to every endpoint and spread the calls over them, as jetcd does.
		 */
		ROUND_ROBIN,

		/**
		 * Connect to one endpoint, chosen at random, and move to the next when that
		 * member is stopped, hung, without a leader or no longer applying changes.
		 */
		ONE_MEMBER

	}

	/**
	 * TLS settings.
	 */
	public static class Ssl {

		/**
		 * Name of the Spring Boot SSL bundle (spring.ssl.bundle.pem.* or .jks.*) that
		 * holds the CA to trust and, for mutual TLS, the client certificate and key. PEM
		 * keys may be PKCS#1 or PKCS#8.
		 */
		private String bundle;

		public String getBundle() {
			return this.bundle;
		}

		public void setBundle(String bundle) {
			this.bundle = bundle;
		}

	}

}
