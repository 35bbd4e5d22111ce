package io.github.etcdconfig.config;

/**
 * Start-up could not load configuration from etcd. Its message names the endpoints and prefixes, never
 * credentials; {@link EtcdConfigFailureAnalyzer} explains how to go on without etcd.
 */
public class EtcdConfigLoadException extends RuntimeException {

	private final transient EtcdConfigDataResource resource;

	/**
	 * Create an exception.
	 * @param resource what was being loaded
	 * @param reason what went wrong
	 * @param cause the cause, if any
	 */
	public EtcdConfigLoadException(EtcdConfigDataResource resource, String reason, Throwable cause) {
		super("Could not load configuration from " + resource + ": " + reason, cause);
		this.resource = resource;
	}

	public EtcdConfigDataResource getResource() {
		return this.resource;
	}

}
