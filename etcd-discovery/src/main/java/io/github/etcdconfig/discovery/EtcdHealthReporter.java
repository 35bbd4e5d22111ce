package io.github.etcdconfig.discovery;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.etcdconfig.client.EtcdThreads;
import io.github.etcdconfig.ranges.EtcdCalls;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.context.SmartLifecycle;

/**
 * Publishes the aggregate status of the application's health indicators in its
 * registration, as {@code "health"}: a staged rollout rolls back when an instance of its
 * subset reports DOWN. Checked every {@code etcd.discovery.health-interval} on a thread
 * of its own, and written only when it changed; a failed write is tried again at the next
 * check. Independent of where the configuration comes from.
 */
public class EtcdHealthReporter implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(EtcdHealthReporter.class);

	private final EtcdServiceRegistry registry;

	private final EtcdRegistration registration;

	private final HealthEndpoint health;

	private final Duration interval;

	private volatile ScheduledExecutorService scheduler;

	// Only touched on the scheduler thread.
	private String written;

	/**
	 * Create a reporter.
	 * @param registry writes the registration
	 * @param registration this instance
	 * @param health the health endpoint, whose aggregate status is published
	 * @param interval how often to check; zero or negative: never
	 */
	public EtcdHealthReporter(EtcdServiceRegistry registry, EtcdRegistration registration, HealthEndpoint health,
			Duration interval) {
		this.registry = registry;
		this.registration = registration;
		this.health = health;
		this.interval = interval;
	}

	@Override
	public void start() {
		if (this.interval.isNegative() || this.interval.isZero()) {
			return;
		}
		// Once here, so that the first registration carries the health.
		check();
		ScheduledExecutorService scheduler = Executors
			.newSingleThreadScheduledExecutor(EtcdThreads.daemon("etcd-health-status"));
		this.scheduler = scheduler;
		scheduler.scheduleWithFixedDelay(this::check, this.interval.toNanos(), this.interval.toNanos(),
				TimeUnit.NANOSECONDS);
	}

	@Override
	public void stop() {
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler != null) {
			scheduler.shutdownNow();
			this.scheduler = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	/**
	 * Before the auto-registration, so that a first registration may already carry the
	 * health.
	 * @return the phase
	 */
	@Override
	public int getPhase() {
		return 0;
	}

	/**
	 * The aggregate health now.
	 * @return its status code, such as {@code UP}
	 */
	public String current() {
		return this.health.health().getStatus().getCode();
	}

	private void check() {
		String status;
		try {
			status = current();
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot compute the health of " + this.registration + " now", ex);
			return;
		}
		this.registration.setHealth(status);
		if (Objects.equals(status, this.written)) {
			return;
		}
		try {
			this.registry.updateConfigStatus(this.registration);
			this.written = status;
		}
		catch (RuntimeException ex) {
			// The next check writes it again.
			logger.debug("Cannot write the health of " + this.registration + " now (" + EtcdCalls.describe(ex) + ")");
		}
	}

}
