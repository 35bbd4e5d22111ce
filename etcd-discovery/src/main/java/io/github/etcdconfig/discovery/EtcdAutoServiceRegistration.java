package io.github.etcdconfig.discovery;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.serviceregistry.AbstractAutoServiceRegistration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;

/**
 * Registers this application when its web server has started (Spring Cloud's standard
 * moment, so the port is known), and deregisters it as soon as the context starts
 * closing, before the web server stops. An application without a web server registers
 * once it is ready, with {@code etcd.discovery.port}. The standard
 * {@code spring.cloud.service-registry.auto-registration.*} settings apply.
 */
public class EtcdAutoServiceRegistration extends AbstractAutoServiceRegistration<EtcdRegistration> {

	private static final Log logger = LogFactory.getLog(EtcdAutoServiceRegistration.class);

	private final EtcdRegistration registration;

	private final EtcdDiscoveryProperties properties;

	private final AtomicBoolean unnamedReported = new AtomicBoolean();

	private final EtcdConfigStatusReporter reporter;

	/**
	 * Create the auto-registration.
	 * @param context the application context
	 * @param registry the registry
	 * @param autoRegistration Spring Cloud's auto-registration settings
	 * @param registration this application
	 * @param properties the discovery settings
	 */
	public EtcdAutoServiceRegistration(ApplicationContext context, EtcdServiceRegistry registry,
			AutoServiceRegistrationProperties autoRegistration, EtcdRegistration registration,
			EtcdDiscoveryProperties properties) {
		this(context, registry, autoRegistration, registration, properties, null);
	}

	/**
	 * Create the auto-registration of an application that loads configuration from etcd.
	 * @param context the application context
	 * @param registry the registry
	 * @param autoRegistration Spring Cloud's auto-registration settings
	 * @param registration this application
	 * @param properties the discovery settings
	 * @param reporter reports the configuration in the registration, and sets the
	 * instance's identity to staged rollouts before it registers; {@code null} without
	 * etcd configuration
	 */
	public EtcdAutoServiceRegistration(ApplicationContext context, EtcdServiceRegistry registry,
			AutoServiceRegistrationProperties autoRegistration, EtcdRegistration registration,
			EtcdDiscoveryProperties properties, EtcdConfigStatusReporter reporter) {
		super(context, registry, autoRegistration);
		this.registration = registration;
		this.properties = properties;
		this.reporter = reporter;
	}

	/**
	 * Register, once this instance has taken the staged rollout its id and metadata
	 * match: the first registration already reports it.
	 */
	@Override
	protected void register() {
		EtcdRegistration registration = getRegistration();
		if (this.reporter != null) {
			this.reporter.identify(registration);
		}
		super.register();
	}

	/**
	 * Register an application that has no web server, which Spring Cloud would never
	 * register.
	 * @param event the application is ready
	 */
	@EventListener
	public void onApplicationReady(ApplicationReadyEvent event) {
		if (event.getApplicationContext() == getContext() && !(getContext() instanceof WebServerApplicationContext)
				&& !isRunning()) {
			start();
		}
	}

	/**
	 * Deregister as soon as the context starts closing, before the web server stops
	 * taking requests, so that callers turn to other instances first.
	 * @param event the context is closing
	 */
	@EventListener
	public void onContextClosed(ContextClosedEvent event) {
		if (event.getApplicationContext() == getContext()) {
			stop();
		}
	}

	@Override
	protected EtcdRegistration getRegistration() {
		if (this.registration.getPort() == 0 && getPort().get() > 0) {
			this.registration.setPort(getPort().get());
		}
		return this.registration;
	}

	@Override
	protected EtcdRegistration getManagementRegistration() {
		// The management port, when separate, is not registered as a service of its own.
		return null;
	}

	@Override
	protected Object getConfiguration() {
		return this.properties;
	}

	@Override
	protected boolean isEnabled() {
		if (this.registration.getServiceId() == null) {
			if (this.unnamedReported.compareAndSet(false, true)) {
				logger.info("Not registering in etcd: neither etcd.discovery.service-name nor "
						+ "spring.application.name is set");
			}
			return false;
		}
		return this.properties.isEnabled();
	}

}
