package io.github.etcdconfig.discovery;

import java.net.URI;
import java.util.Map;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.serviceregistry.Registration;

/**
 * This application as it registers itself: service, host, port and metadata. The port may
 * be unknown until the web server has started ({@link #setPort(int)}); the default
 * instance id follows it.
 */
public class EtcdRegistration implements Registration {

	private final String serviceId;

	private final String configuredInstanceId;

	private final String host;

	private final boolean secure;

	private final Map<String, String> metadata;

	private final String status;

	private volatile int port;

	private volatile EtcdConfigStatus configStatus;

	private volatile String health;

	/**
	 * Describe an instance.
	 * @param serviceId the service name
	 * @param instanceId the instance id, or {@code null} for {service}-{host}-{port}
	 * @param host the host or IP address callers use
	 * @param port the port, 0 when not known yet
	 * @param secure whether callers use https
	 * @param metadata the metadata
	 * @param status the status to register with
	 */
	public EtcdRegistration(String serviceId, String instanceId, String host, int port, boolean secure,
			Map<String, String> metadata, String status) {
		this.serviceId = serviceId;
		this.configuredInstanceId = instanceId;
		this.host = host;
		this.port = port;
		this.secure = secure;
		this.metadata = Map.copyOf(metadata);
		this.status = status;
	}

	@Override
	public String getServiceId() {
		return this.serviceId;
	}

	@Override
	public String getInstanceId() {
		if (this.configuredInstanceId != null) {
			return this.configuredInstanceId;
		}
		// Without a port, the process id keeps two instances on one host apart.
		String discriminator = (this.port > 0) ? Integer.toString(this.port)
				: Long.toString(ProcessHandle.current().pid());
		return this.serviceId + "-" + this.host + "-" + discriminator;
	}

	@Override
	public String getHost() {
		return this.host;
	}

	@Override
	public int getPort() {
		return this.port;
	}

	/**
	 * Set the port once the web server knows it.
	 * @param port the port
	 */
	public void setPort(int port) {
		this.port = port;
	}

	@Override
	public boolean isSecure() {
		return this.secure;
	}

	@Override
	public URI getUri() {
		return ServiceInstance.createUri(this);
	}

	@Override
	public Map<String, String> getMetadata() {
		return this.metadata;
	}

	/**
	 * The status this instance registers with.
	 * @return the status
	 */
	public String getStatus() {
		return this.status;
	}

	/**
	 * What this instance reports of its configuration, written with its registration.
	 * @return the status, or {@code null} when the application does not load
	 * configuration from etcd
	 */
	public EtcdConfigStatus getConfigStatus() {
		return this.configStatus;
	}

	/**
	 * Set the configuration status, to be written by the next registration or
	 * {@link EtcdServiceRegistry#updateConfigStatus}.
	 * @param configStatus the status
	 */
	public void setConfigStatus(EtcdConfigStatus configStatus) {
		this.configStatus = configStatus;
	}

	/**
	 * The aggregate status of the application's health indicators, written with its
	 * registration.
	 * @return the health ({@code UP}, {@code DOWN}...), or {@code null} when none is
	 * published
	 */
	public String getHealth() {
		return this.health;
	}

	/**
	 * Set the health, to be written by the next registration or
	 * {@link EtcdServiceRegistry#updateConfigStatus}.
	 * @param health the health
	 */
	public void setHealth(String health) {
		this.health = health;
	}

	@Override
	public String toString() {
		return this.serviceId + "/" + getInstanceId() + " at " + getUri();
	}

}
