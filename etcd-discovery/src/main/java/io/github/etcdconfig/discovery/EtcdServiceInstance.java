package io.github.etcdconfig.discovery;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

import org.springframework.cloud.client.ServiceInstance;

/**
 * An instance found under the registry prefix: immutable, as the discovery cache hands it
 * out to any thread.
 */
public final class EtcdServiceInstance implements ServiceInstance {

	private final String serviceId;

	private final String instanceId;

	private final String host;

	private final int port;

	private final boolean secure;

	private final String status;

	private final Map<String, String> metadata;

	/**
	 * Describe an instance.
	 * @param serviceId the service, from the key
	 * @param instanceId the instance, from the key
	 * @param host the host
	 * @param port the port
	 * @param secure whether it is called over https
	 * @param status the registered status, {@code null} when the entry has none
	 * @param metadata the metadata
	 */
	public EtcdServiceInstance(String serviceId, String instanceId, String host, int port, boolean secure,
			String status, Map<String, String> metadata) {
		this.serviceId = serviceId;
		this.instanceId = instanceId;
		this.host = host;
		this.port = port;
		this.secure = secure;
		this.status = status;
		this.metadata = Map.copyOf(metadata);
	}

	@Override
	public String getServiceId() {
		return this.serviceId;
	}

	@Override
	public String getInstanceId() {
		return this.instanceId;
	}

	@Override
	public String getHost() {
		return this.host;
	}

	@Override
	public int getPort() {
		return this.port;
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
	 * The status as registered.
	 * @return the status, or {@code null} when the entry has none
	 */
	public String getStatus() {
		return this.status;
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof EtcdServiceInstance that)) {
			return false;
		}
		return this.port == that.port && this.secure == that.secure && this.serviceId.equals(that.serviceId)
				&& this.instanceId.equals(that.instanceId) && this.host.equals(that.host)
				&& Objects.equals(this.status, that.status) && this.metadata.equals(that.metadata);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.serviceId, this.instanceId, this.host, this.port);
	}

	@Override
	public String toString() {
		return this.serviceId + "/" + this.instanceId + " at " + getUri()
				+ ((this.status != null) ? " (" + this.status + ")" : "");
	}

}
