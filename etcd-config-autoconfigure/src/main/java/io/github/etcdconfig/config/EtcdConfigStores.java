package io.github.etcdconfig.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.client.EtcdClientFactory;
import io.github.etcdconfig.client.EtcdProperties;
import io.github.etcdconfig.client.EtcdSharedClients;
import io.github.etcdconfig.client.PropertiesEtcdConnectionDetails;
import org.apache.commons.logging.Log;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.context.aot.AbstractAotProcessor;

/**
 * The etcd sources of one application. Lives in the {@link ConfigurableBootstrapContext}
 * while configuration is loaded, then becomes the bean {@value #BEAN_NAME}, which the
 * watchers use and which closes every client at shutdown.
 *
 * <p>
 * Both ways of loading (the zero-config post-processor and
 * {@code spring.config.import=etcd:}) come here, so a source is read from etcd once. A
 * later {@code /actuator/refresh} re-runs the loaders with the same bootstrap context and
 * gets the live store back: no second read, and never an older state than the watcher
 * applied.
 *
 * <p>
 * The clients come from the {@link EtcdClientFactory} registered in the bootstrap context
 * by an {@link EtcdBootstrapper}, or from the standard factory. While Spring's AOT engine
 * processes the application at build time, etcd is never read: the bean is still defined,
 * so that what depends on it is processed too, but it is made anew when the processed
 * application starts.
 */
public final class EtcdConfigStores implements EtcdSharedClients, DisposableBean {

	/** The name of the bean. */
	public static final String BEAN_NAME = "etcdConfigStores";

	private final Map<EtcdConfigDataResource, EtcdConfigStore> stores = new LinkedHashMap<>();

	private final EtcdClientFactory clientFactory;

	private EtcdConfigStores(EtcdClientFactory clientFactory) {
		this.clientFactory = clientFactory;
	}

	/**
	 * The stores of an application, registered in its bootstrap context on first use.
	 * @param bootstrapContext the bootstrap context
	 * @return the stores
	 */
	public static EtcdConfigStores get(ConfigurableBootstrapContext bootstrapContext) {
		if (!bootstrapContext.isRegistered(EtcdConfigStores.class)) {
			EtcdClientFactory clientFactory = bootstrapContext.getOrElse(EtcdClientFactory.class,
					EtcdClientFactory.standard(List.of()));
			bootstrapContext.registerIfAbsent(EtcdConfigStores.class,
					InstanceSupplier.of(new EtcdConfigStores(clientFactory)));
			bootstrapContext.addCloseListener((event) -> {
				EtcdConfigStores stores = event.getBootstrapContext().get(EtcdConfigStores.class);
				if (event.getApplicationContext().getBeanFactory() instanceof BeanDefinitionRegistry registry
						&& !registry.containsBeanDefinition(BEAN_NAME)) {
					// A definition rather than a plain singleton, so the context calls
					// destroy() at shutdown.
					RootBeanDefinition definition = new RootBeanDefinition(EtcdConfigStores.class, () -> stores);
					// AOT cannot write an instance supplier as code, and the stores hold
					// run-time state anyway:
					// this listener defines the bean again when the processed application
					// starts.
					definition.setAttribute(BeanRegistrationAotProcessor.IGNORE_REGISTRATION_ATTRIBUTE, true);
					registry.registerBeanDefinition(BEAN_NAME, definition);
				}
			});
		}
		return bootstrapContext.get(EtcdConfigStores.class);
	}

	/**
	 * Whether Spring's AOT engine is processing the application at build time
	 * ({@code spring-boot:process-aot}), when etcd must not be read: the build machine
	 * never needs the production etcd.
	 * @return whether this is AOT processing
	 */
	public static boolean isAotProcessing() {
		return Boolean.getBoolean(AbstractAotProcessor.AOT_PROCESSING);
	}

	/**
	 * The store of a resource: the live one when it was loaded before, else a new one
	 * read from etcd now.
	 * @param resource what to load
	 * @param log where to report
	 * @return the store; empty when an optional source could not be read
	 * @throws EtcdConfigLoadException when a required source cannot be read
	 */
	public synchronized EtcdConfigStore load(EtcdConfigDataResource resource, Log log) {
		EtcdConfigStore existing = this.stores.get(resource);
		if (existing != null) {
			if (!existing.isWatched()) {
				// An explicit refresh without a watcher: only etcd knows what changed.
				EtcdConfigStoreLoader.readAgain(existing, log);
			}
			return existing;
		}
		Client shared = sharedClient(resource);
		Client client;
		try {
			client = (shared != null) ? shared
					: this.clientFactory.create(
							new PropertiesEtcdConnectionDetails(resource.getConnection(), resource.getSslBundle()),
							resource.getConnection());
		}
		catch (RuntimeException ex) {
			throw EtcdConfigLoadException.clientSetup(resource, ex);
		}
		Path snapshotPath = resource.getConfig().getSnapshot().getPath();
		EtcdConfigStore store = new EtcdConfigStore(resource, client, EtcdConfigSnapshot.empty(resource.getLayout(), 0),
				(snapshotPath != null) ? new EtcdConfigSnapshotFile(snapshotPath) : null);
		try {
			EtcdConfigStoreLoader.readAtStartup(store, log);
		}
		catch (RuntimeException ex) {
			// A client shared with a loaded source stays open for it.
			store.close(shared == null);
			throw ex;
		}
		this.stores.put(resource, store);
		return store;
	}

	/**
	 * The client of a loaded source that connects the same way, so that an application
	 * holds one client's connections however many etcd sources it imports: etcd keeps
	 * memory for each connection (96 KB of gRPC buffers in etcd 3.4; docs/scale.md).
	 */
	private Client sharedClient(EtcdConfigDataResource resource) {
		for (EtcdConfigStore store : this.stores.values()) {
			if (store.getResource().getConnection().hasSameConnection(resource.getConnection())) {
				return store.getClient();
			}
		}
		return null;
	}

	@Override
	public synchronized Client findClient(EtcdProperties settings) {
		for (EtcdConfigStore store : this.stores.values()) {
			if (store.getResource().getConnection().hasSameConnection(settings)) {
				return store.getClient();
			}
		}
		return null;
	}

	/**
	 * The stores loaded so far.
	 * @return the stores
	 */
	public synchronized List<EtcdConfigStore> getStores() {
		return List.copyOf(this.stores.values());
	}

	/**
	 * Set who this instance is to staged rollouts: each store matches its rollouts'
	 * selectors against the identity from now on. Until an identity is set, the instance
	 * matches no selector and shows no rollout's values.
	 * @param identity the instance id and metadata, as registered
	 * @return completes once every store shows the values the identity takes and the
	 * change was published
	 */
	public CompletableFuture<Void> setIdentity(EtcdInstanceIdentity identity) {
		return CompletableFuture
			.allOf(getStores().stream().map((store) -> store.setIdentity(identity)).toArray(CompletableFuture[]::new));
	}

	@Override
	public synchronized void destroy() {
		this.stores.values().forEach(EtcdConfigStore::close);
	}

}
