package io.github.etcdconfig.client;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import javax.net.ssl.SSLException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslManagerBundle;
import org.springframework.util.StringUtils;

/**
 * Builds jetcd {@link Client}s from {@link EtcdProperties}. The one place that knows jetcd's builder, so the
 * configuration loader and the {@code Client} bean connect the same way.
 */
public final class EtcdClientFactory {

	private EtcdClientFactory() {
	}

	/**
	 * Create a client.
	 * @param properties the connection settings
	 * @param sslBundles looks up an SSL bundle by name; only called when {@code etcd.ssl.bundle} is set
	 * @return a new client, to be closed by the caller
	 */
	public static Client create(EtcdProperties properties, Function<String, SslBundle> sslBundles) {
		ClientBuilder builder = Client.builder();
		// The authority is part of the target that endpoints() computes, so it must come first.
		if (StringUtils.hasText(properties.getAuthority())) {
			builder.authority(properties.getAuthority());
		}
		builder.endpoints(properties.getEndpoints())
			.connectTimeout(properties.getConnectTimeout())
			.keepaliveTime(properties.getKeepaliveTime())
			.keepaliveTimeout(properties.getKeepaliveTimeout())
			// A call to an unreachable server fails instead of queueing forever; every caller sets a deadline.
			.waitForReady(false);
		if (StringUtils.hasText(properties.getUsername())) {
			builder.user(bytes(properties.getUsername())).password(bytes(properties.getPassword()));
		}
		if (StringUtils.hasText(properties.getNamespace())) {
			builder.namespace(bytes(properties.getNamespace()));
		}
		if (properties.isTls()) {
			builder.sslContext(sslContext(properties.getSsl().getBundle(), sslBundles));
		}
		return builder.build();
	}

	private static SslContext sslContext(String bundleName, Function<String, SslBundle> sslBundles) {
		SslContextBuilder ssl = GrpcSslContexts.forClient();
		if (StringUtils.hasText(bundleName)) {
			SslBundle bundle = sslBundles.apply(bundleName);
			if (bundle == null) {
				throw new IllegalStateException("etcd.ssl.bundle names SSL bundle '" + bundleName
						+ "', but no spring.ssl.bundle.pem." + bundleName + " or spring.ssl.bundle.jks." + bundleName
						+ " is configured");
			}
			SslManagerBundle managers = bundle.getManagers();
			ssl.trustManager(managers.getTrustManagerFactory());
			if (bundle.getStores().getKeyStore() != null) {
				ssl.keyManager(managers.getKeyManagerFactory());
			}
			if (bundle.getOptions().getEnabledProtocols() != null) {
				ssl.protocols(bundle.getOptions().getEnabledProtocols());
			}
			if (bundle.getOptions().getCiphers() != null) {
				ssl.ciphers(java.util.List.of(bundle.getOptions().getCiphers()));
			}
		}
		try {
			return ssl.build();
		}
		catch (SSLException ex) {
			throw new IllegalStateException("Cannot set up TLS for etcd with SSL bundle '" + bundleName + "': "
					+ ex.getMessage(), ex);
		}
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

}
