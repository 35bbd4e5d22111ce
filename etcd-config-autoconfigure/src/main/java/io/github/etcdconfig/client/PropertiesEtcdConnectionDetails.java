package io.github.etcdconfig.client;

import java.net.URI;
import java.util.List;

import org.springframework.boot.ssl.SslBundle;

/**
 * {@link EtcdConnectionDetails} from {@code etcd.*} settings.
 */
public class PropertiesEtcdConnectionDetails implements EtcdConnectionDetails {

	private final EtcdProperties properties;

	private final SslBundle sslBundle;

	/**
	 * Adapt settings.
	 * @param properties the settings
	 * @param sslBundle the bundle named by etcd.ssl.bundle, or {@code null}
	 */
	public PropertiesEtcdConnectionDetails(EtcdProperties properties, SslBundle sslBundle) {
		this.properties = properties;
		this.sslBundle = sslBundle;
	}

	@Override
	public List<URI> getEndpoints() {
		return this.properties.getEndpoints();
	}

	@Override
	public String getUsername() {
		return this.properties.getUsername();
	}

	@Override
	public String getPassword() {
		return this.properties.getPassword();
	}

	@Override
	public SslBundle getSslBundle() {
		return this.sslBundle;
	}

}
