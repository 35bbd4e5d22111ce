package io.github.etcdconfig.client;

import java.net.URI;
import java.util.List;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.config.EtcdBootstrapper;
import io.github.etcdconfig.config.EtcdConfigStores;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Extension points for the jetcd client: {@link EtcdClientBuilderCustomizer} beans for
 * the clients made in the context, and {@link EtcdBootstrapper} for the configuration
 * loader's, made before the context exists. A key namespace set by a customizer shows
 * that it was applied: the keys are read and written under it.
 */
class EtcdClientCustomizationTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@AutoClose
	static EtcdKeys keys;

	@BeforeAll
	static void keys() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config/database/host", "plain");
		keys.put("/tenant-a/config/database/host", "tenant-a");
	}

	private static SpringApplicationBuilder app(Class<?>[] sources, EtcdBootstrapper bootstrapper) {
		SpringApplicationBuilder builder = Apps.builder(sources,
				"etcd.endpoints=" + etcd.cluster().endpointsProperty());
		return (bootstrapper != null) ? builder.addBootstrapRegistryInitializer(bootstrapper) : builder;
	}

	private static String read(Client client, String key) {
		return new EtcdKeys(client).value(key);
	}

	@Test
	void aCustomizerThatChoosesTheEndpointsItselfGetsJetcdsRoundRobinOverThemNotOneMember() {
		URI endpoint = etcd.cluster().clientEndpoints().get(0);
		EtcdProperties properties = new EtcdProperties();
		// Two endpoints of one member: a client held to one of them could move.
		properties.setEndpoints(List.of(endpoint, URI.create("http://localhost:" + endpoint.getPort())));
		EtcdClientBuilderCustomizer ownEndpoints = (builder) -> builder.endpoints(endpoint);
		try (Client client = EtcdClientFactory.standard(List.of(ownEndpoints))
			.create(new PropertiesEtcdConnectionDetails(properties, null), properties)) {
			assertThat(read(client, "/config/database/host")).isEqualTo("plain");
			assertThat(EtcdMemberChoice.of(client).canMove()).isFalse();
		}
	}

	@Test
	void aCustomizerBeanIsAppliedToTheClientBean() {
		try (ConfigurableApplicationContext context = app(new Class<?>[] { TenantCustomizer.class }, null).run()) {
			assertThat(read(context.getBean(Client.class), "/config/database/host")).isEqualTo("tenant-a");
		}
	}

	@Test
	void withACustomizerBeanTheClientBeanIsNotTheLoadersUncustomizedClient() {
		try (ConfigurableApplicationContext context = app(new Class<?>[] { TenantCustomizer.class }, null).run()) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("plain");
			assertThat(context.getBean(Client.class))
				.isNotSameAs(context.getBean(EtcdConfigStores.class).getStores().get(0).getClient());
		}
	}

	@Test
	void theBootstrapperCustomizesTheLoadersClient() {
		EtcdBootstrapper bootstrapper = EtcdBootstrapper.create()
			.withClientCustomizer((builder) -> builder.namespace(EtcdBytes.of("/tenant-a")));
		try (ConfigurableApplicationContext context = app(new Class<?>[0], bootstrapper).run()) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("tenant-a");
		}
	}

	@Test
	void theBootstrapperGivesTheLoaderAClientTheApplicationMadeAndTheClientBeanSharesIt() {
		EtcdBootstrapper bootstrapper = EtcdBootstrapper.create()
			.withClientFactory((connection, settings) -> Client.builder()
				.endpoints(connection.getEndpoints())
				.namespace(EtcdBytes.of("/tenant-a"))
				.build());
		try (ConfigurableApplicationContext context = app(new Class<?>[0], bootstrapper).run()) {
			assertThat(context.getEnvironment().getProperty("database.host")).isEqualTo("tenant-a");
			assertThat(context.getBean(Client.class))
				.isSameAs(context.getBean(EtcdConfigStores.class).getStores().get(0).getClient());
		}
	}

	@Test
	void aBootstrapperTakesEitherCustomizersOrAFactory() {
		EtcdBootstrapper bootstrapper = EtcdBootstrapper.create().withClientCustomizer((builder) -> {
		});
		assertThatIllegalStateException()
			.isThrownBy(() -> bootstrapper.withClientFactory((connection, settings) -> null));
	}

	@Configuration(proxyBeanMethods = false)
	static class TenantCustomizer {

		@Bean
		EtcdClientBuilderCustomizer tenantNamespace() {
			return (builder) -> builder.namespace(EtcdBytes.of("/tenant-a"));
		}

	}

}
