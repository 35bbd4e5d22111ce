package io.github.etcdconfig.samples.configmanager;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * /config/database/* from etcd, rebound in place when a key changes.
 */
@ConfigurationProperties("database")
public class DatabaseProperties {

	/**
	 * Database host.
	 */
	private String host = "localhost";

	/**
	 * Database port.
	 */
	private int port = 5432;

	/**
	 * Database name.
	 */
	private String name = "erp";

	public String getHost() {
		return this.host;
	}

	public void setHost(String host) {
		this.host = host;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	public String getName() {
		return this.name;
	}

	public void setName(String name) {
		this.name = name;
	}

}
