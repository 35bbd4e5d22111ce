package io.github.etcdconfig.client;

import java.net.URI;
import java.util.List;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.ssl.SslBundle;

/**
 * How to reach etcd, as Spring Boot's service connections describe a service: from
 * {@code etcd.*} settings by default, or from a test container with
 * {@code @ServiceConnection}.
 */
public interface EtcdConnectionDetails extends ConnectionDetails {

	/**
	 * The client URLs.
	 * @return the endpoints
	 */
	List<URI> getEndpoints();

	/**
	 * The user, or {@code null} without authentication.
	 * @return the user name
	 */
	default String getUsername() {
		return null;
	}

	/**
	 * The password, or {@code null} without authentication.
	 * @return the password
	 */
	default String getPassword() {
		return null;
	}

	/**
	 * The SSL bundle for TLS, or {@code null}.
	 * @return the bundle
	 */
	default SslBundle getSslBundle() {
		return null;
	}

}
