package io.github.etcdconfig.support;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * database.* as an application binds it, with defaults a deleted key falls back to.
 * Volatile, because tests read it from other threads while it is rebound.
 */
@ConfigurationProperties("database")
public class DatabaseProperties {

	private volatile String host = "localhost";

	private volatile int port;

	private volatile String name;

	private final Pool pool = new Pool();

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

	public Pool getPool() {
		return this.pool;
	}

	/**
	 * A nested bean without a setter, rebound in place.
	 */
	public static class Pool {

		private volatile int maxSize = 8;

		public int getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(int maxSize) {
			this.maxSize = maxSize;
		}

	}

}
