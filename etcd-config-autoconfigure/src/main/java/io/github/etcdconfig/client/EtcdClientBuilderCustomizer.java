package io.github.etcdconfig.client;

import io.etcd.jetcd.ClientBuilder;

/**
 * Customizes the jetcd {@link ClientBuilder} of every client the starter makes, after the
 * {@code etcd.*} settings were applied: for example {@code maxInboundMessageSize}, a
 * shared Vert.x instance, interceptors or a load-balancing policy. Spring Boot's
 * {@code LettuceClientConfigurationBuilderCustomizer} is the model.
 *
 * <p>
 * Beans of this type apply to the clients made inside the application context: the
 * {@code Client} bean, which discovery and locks use. The configuration loader makes its
 * client before the context exists, so it cannot see beans; give it customizers with
 * {@code EtcdBootstrapper.create().withClientCustomizer(...)}. Customizers run in
 * {@link org.springframework.core.Ordered} order.
 */
@FunctionalInterface
public interface EtcdClientBuilderCustomizer {

	/**
	 * Customize the builder.
	 * @param builder the builder, with the {@code etcd.*} settings applied
	 */
	void customize(ClientBuilder builder);

}
