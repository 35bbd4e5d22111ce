package io.github.etcdconfig.client;

import java.util.List;
import java.util.Objects;

import javax.net.ssl.SSLException;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslManagerBundle;
import org.springframework.util.StringUtils;

/**
 * {@link EtcdClientFactory#standard(List)}: jetcd's builder from the {@code etcd.*}
 * settings, then the customizers.
 */
final class StandardEtcdClientFactory implements EtcdClientFactory {

	private static final String PICK_FIRST = "pick_first";

	// jetcd's default policy.
	private static final String ROUND_ROBIN = "round_robin";

	private final List<EtcdClientBuilderCustomizer> customizers;

	StandardEtcdClientFactory(List<? extends EtcdClientBuilderCustomizer> customizers) {
		this.customizers = List.copyOf(customizers);
	}

	@Override
	public Client create(EtcdConnectionDetails connection, EtcdProperties settings) {
		EtcdMemberChoice choice = (settings.getLoadBalancing() == EtcdProperties.LoadBalancing.ONE_MEMBER)
				? EtcdMemberChoice.shuffled(connection.getEndpoints()) : null;
		ClientBuilder builder = fromSettings(connection, settings, choice);
		String target = builder.target();
		this.customizers.forEach((customizer) -> customizer.customize(builder));
		if (choice != null && !Objects.equals(builder.target(), target)) {
			// A customizer chose the endpoints itself: jetcd's own way over them, and no
			// choice claimed for a client that does not follow it.
			if (PICK_FIRST.equals(builder.loadBalancerPolicy())) {
				builder.loadBalancerPolicy(ROUND_ROBIN);
			}
			choice = null;
		}
		Client client = builder.build();
		if (choice != null) {
			choice.madeFor(client);
		}
		return client;
	}

	private static ClientBuilder fromSettings(EtcdConnectionDetails connection, EtcdProperties settings,
			@Nullable EtcdMemberChoice choice) {
		ClientBuilder builder = Client.builder();
		// The authority is part of the target that endpoints() computes, so it must come
		// first.
		String authority = StringUtils.hasText(settings.getAuthority()) ? settings.getAuthority() : null;
		if (authority != null) {
			builder.authority(authority);
		}
		if (choice != null) {
			builder.target(EtcdMemberResolver.target(choice, authority))
				.loadBalancerPolicy(PICK_FIRST)
				.interceptor(choice.interceptor());
		}
		else {
			builder.endpoints(connection.getEndpoints());
		}
		builder.connectTimeout(settings.getConnectTimeout())
			.keepaliveTime(settings.getKeepaliveTime())
			.keepaliveTimeout(settings.getKeepaliveTimeout())
			// A call to an unreachable server fails instead of queueing forever; every
			// caller sets a deadline.
			.waitForReady(false);
		if (StringUtils.hasText(connection.getUsername())) {
			builder.user(EtcdBytes.of(connection.getUsername())).password(EtcdBytes.of(connection.getPassword()));
		}
		if (StringUtils.hasText(settings.getNamespace())) {
			builder.namespace(EtcdBytes.of(settings.getNamespace()));
		}
		boolean https = connection.getEndpoints()
			.stream()
			.anyMatch((endpoint) -> "https".equalsIgnoreCase(endpoint.getScheme()));
		if (connection.getSslBundle() != null || https) {
			builder.sslContext(sslContext(connection.getSslBundle()));
		}
		return builder;
	}

	private static SslContext sslContext(SslBundle bundle) {
		SslContextBuilder ssl = GrpcSslContexts.forClient();
		if (bundle != null) {
			SslManagerBundle managers = bundle.getManagers();
			ssl.trustManager(managers.getTrustManagerFactory());
			if (bundle.getStores().getKeyStore() != null) {
				ssl.keyManager(managers.getKeyManagerFactory());
			}
			if (bundle.getOptions().getEnabledProtocols() != null) {
				ssl.protocols(bundle.getOptions().getEnabledProtocols());
			}
			if (bundle.getOptions().getCiphers() != null) {
				ssl.ciphers(List.of(bundle.getOptions().getCiphers()));
			}
		}
		try {
			return ssl.build();
		}
		catch (SSLException ex) {
			throw new IllegalStateException("Cannot set up TLS for etcd: " + ex.getMessage(), ex);
		}
	}

}
