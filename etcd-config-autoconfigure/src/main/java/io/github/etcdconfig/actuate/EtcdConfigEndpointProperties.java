package io.github.etcdconfig.actuate;

import java.util.HashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the {@code etcdconfig} actuator endpoint, named and defaulted like those of
 * Spring Boot's {@code env} endpoint.
 */
@ConfigurationProperties(prefix = "management.endpoint.etcdconfig")
public class EtcdConfigEndpointProperties {

	/**
	 * When to show property values unmasked. Values whose name looks sensitive (password,
	 * secret, key, token, credentials, uri, url, address...) stay masked even then.
	 */
	private Show showValues = Show.NEVER;

	/**
	 * Roles allowed to see unmasked values when show-values is when-authorized. When
	 * empty, every authenticated user is.
	 */
	private final Set<String> roles = new HashSet<>();

	public Show getShowValues() {
		return this.showValues;
	}

	public void setShowValues(Show showValues) {
		this.showValues = showValues;
	}

	public Set<String> getRoles() {
		return this.roles;
	}

}
