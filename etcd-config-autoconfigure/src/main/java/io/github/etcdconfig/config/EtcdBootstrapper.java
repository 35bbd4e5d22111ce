package io.github.etcdconfig.config;

import java.util.ArrayList;
import java.util.List;

import io.github.etcdconfig.client.EtcdClientBuilderCustomizer;
import io.github.etcdconfig.client.EtcdClientFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.BootstrapRegistry;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.bootstrap.BootstrapRegistryInitializer;
import org.springframework.util.Assert;

/**
 * Gives the configuration loader its jetcd client. The loader runs before the application
 * context exists, so it cannot see beans; register this on the {@link SpringApplication}
 * instead, as Spring Cloud Consul's {@code ConsulBootstrapper} is:
 *
 * <pre class="code">
 * SpringApplication application = new SpringApplication(MyApplication.class);
 * application.addBootstrapRegistryInitializer(EtcdBootstrapper.create()
 *     .withClientCustomizer((builder) -&gt; builder.maxInboundMessageSize(16 * 1024 * 1024)));
 * application.run(args);
 * </pre>
 *
 * <p>
 * {@link #withClientCustomizer} adds to the client the loader builds from the
 * {@code etcd.*} settings; {@link #withClientFactory} replaces it with a client the
 * application makes itself. When the {@code Client} bean has the same settings and no
 * {@link EtcdClientBuilderCustomizer} bean exists, it is this same client.
 */
public final class EtcdBootstrapper implements BootstrapRegistryInitializer {

	private final List<EtcdClientBuilderCustomizer> customizers = new ArrayList<>();

	private EtcdClientFactory clientFactory;

	private EtcdBootstrapper() {
	}

	/**
	 * A bootstrapper that changes nothing yet.
	 * @return the bootstrapper
	 */
	public static EtcdBootstrapper create() {
		return new EtcdBootstrapper();
	}

	/**
	 * Customize the builder of the loader's client, after the {@code etcd.*} settings;
	 * customizers run in the order they were added.
	 * @param customizer the customizer
	 * @return this bootstrapper
	 */
	public EtcdBootstrapper withClientCustomizer(EtcdClientBuilderCustomizer customizer) {
		Assert.notNull(customizer, "customizer must not be null");
		Assert.state(this.clientFactory == null, "A client factory builds its clients itself: add no customizer");
		this.customizers.add(customizer);
		return this;
	}

	/**
	 * Make the loader's client with this factory, instead of from the {@code etcd.*}
	 * settings. It receives the resolved settings (an {@code etcd:} import's endpoints
	 * included); the loader closes the client at shutdown.
	 * @param clientFactory the factory
	 * @return this bootstrapper
	 */
	public EtcdBootstrapper withClientFactory(EtcdClientFactory clientFactory) {
		Assert.notNull(clientFactory, "clientFactory must not be null");
		Assert.state(this.customizers.isEmpty(), "A client factory builds its clients itself: add no customizer");
		this.clientFactory = clientFactory;
		return this;
	}

	@Override
	public void initialize(BootstrapRegistry registry) {
		EtcdClientFactory factory = (this.clientFactory != null) ? this.clientFactory
				: EtcdClientFactory.standard(this.customizers);
		registry.register(EtcdClientFactory.class, InstanceSupplier.of(factory));
	}

}
