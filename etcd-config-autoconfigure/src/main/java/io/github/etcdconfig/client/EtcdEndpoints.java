package io.github.etcdconfig.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Endpoints as they may appear in logs and messages: without user info, so credentials
 * written into a URL never leak.
 */
public final class EtcdEndpoints {

	private EtcdEndpoints() {
	}

	/**
	 * The endpoint without its user info.
	 * @param endpoint an endpoint, may be {@code null}
	 * @return the endpoint safe to print
	 */
	public static String redact(URI endpoint) {
		if (endpoint == null) {
			return "null";
		}
		if (endpoint.getRawUserInfo() == null) {
			return endpoint.toString();
		}
		try {
			return new URI(endpoint.getScheme(), null, endpoint.getHost(), endpoint.getPort(), endpoint.getPath(), null,
					null)
				.toString();
		}
		catch (URISyntaxException ex) {
			return "<endpoint>";
		}
	}

	/**
	 * The endpoints, comma separated and without user info.
	 * @param endpoints the endpoints
	 * @return the endpoints safe to print
	 */
	public static String describe(Collection<URI> endpoints) {
		if (endpoints == null) {
			return "[]";
		}
		return endpoints.stream().map(EtcdEndpoints::redact).collect(Collectors.joining(", ", "[", "]"));
	}

}
