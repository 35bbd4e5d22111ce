package io.github.etcdconfig.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import io.github.etcdconfig.client.EtcdBackOff;
import io.github.etcdconfig.client.EtcdBytes;
import io.github.etcdconfig.client.EtcdErrors;
import io.github.etcdconfig.client.EtcdThreads;
import io.github.etcdconfig.ranges.EtcdCalls;
import io.github.etcdconfig.lease.EtcdLease;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Registers instances at {prefix}{service}/{instance} on a lease kept alive by
 * heartbeats, and registers them again on a new lease whenever that lease is lost: etcd
 * was unreachable for longer than the TTL, lost its data, or an operator revoked it.
 * Deregistering revokes the lease, which deletes the entry at once.
 *
 * <p>
 * All registration state lives on one worker thread, where the etcd calls (each with a
 * deadline) are made; {@link #register}, {@link #deregister} and {@link #setStatus} hand
 * their work to it and wait. Heartbeats run on a second thread that never blocks, so a
 * slow registration cannot starve them.
 */
public class EtcdServiceRegistry implements ServiceRegistry<EtcdRegistration>, DisposableBean {

	private static final Log logger = LogFactory.getLog(EtcdServiceRegistry.class);

	private static final Duration FIRST_RETRY_DELAY = Duration.ofMillis(200);

	private final Client client;

	private final EtcdDiscoveryProperties properties;

	private final Duration timeout;

	private final EtcdInstanceFormat format = new EtcdInstanceFormat();

	private final ScheduledExecutorService worker = Executors
		.newSingleThreadScheduledExecutor(EtcdThreads.daemon("etcd-registry"));

	private final ScheduledExecutorService heartbeats = EtcdLease.scheduler("etcd-registry-heartbeat");

	/** By key; only touched on the worker thread. */
	private final Map<String, Registered> registered = new HashMap<>();

	/**
	 * Create a registry.
	 * @param client the client
	 * @param properties the prefix, TTL, heartbeat interval and fail-fast setting
	 * @param timeout the deadline of each etcd call
	 */
	public EtcdServiceRegistry(Client client, EtcdDiscoveryProperties properties, Duration timeout) {
		this.client = client;
		this.properties = properties;
		this.timeout = timeout;
	}

	/**
	 * Register an instance, or register it again with its current values. When etcd
	 * cannot be reached, start-up fails if {@code etcd.discovery.fail-fast} is set;
	 * otherwise registration goes on trying in the background.
	 * @param registration the instance
	 */
	@Override
	public void register(EtcdRegistration registration) {
		String key = key(registration);
		call(() -> {
			Registered entry = this.registered.computeIfAbsent(key,
					(ignored) -> new Registered(key, registration, registration.getStatus()));
			if (entry.retry != null) {
				entry.retry.cancel(false);
			}
			try {
				putOnNewLease(entry);
				logger.info("Registered " + registration + " in etcd at " + key);
			}
			catch (RuntimeException ex) {
				if (this.properties.isFailFast()) {
					this.registered.remove(key);
					throw ex;
				}
				logger.warn("Cannot register " + registration + " in etcd now (" + EtcdCalls.describe(ex)
						+ "); trying again in the background");
				retryLater(entry);
			}
			return null;
		}, "Registering " + key);
	}

	/**
	 * Deregister an instance: revoke its lease, which deletes its entry. When etcd cannot
	 * be reached, the entry expires with its lease within the TTL.
	 * @param registration the instance
	 */
	@Override
	public void deregister(EtcdRegistration registration) {
		String key = key(registration);
		call(() -> {
			Registered entry = this.registered.remove(key);
			if (entry != null) {
				forget(entry);
			}
			return null;
		}, "Deregistering " + key);
	}

	/**
	 * Deregister every instance still registered. Called by Spring Cloud when
	 * auto-registration stops.
	 */
	@Override
	public void close() {
		call(() -> {
			List<Registered> all = new ArrayList<>(this.registered.values());
			this.registered.clear();
			all.forEach(this::forget);
			return null;
		}, "Deregistering all instances");
	}

	@Override
	public void destroy() {
		try {
			close();
		}
		catch (RejectedExecutionException ex) {
			// Already shut down.
		}
		this.worker.shutdownNow();
		this.heartbeats.shutdownNow();
	}

	/**
	 * Change the status of a registered instance, for example to OUT_OF_SERVICE:
	 * discovery then no longer returns it. The status is kept when the instance registers
	 * again.
	 * @param registration the instance
	 * @param status the new status
	 */
	@Override
	public void setStatus(EtcdRegistration registration, String status) {
		Assert.isTrue(StringUtils.hasText(status), "A status must not be empty");
		String key = key(registration);
		call(() -> {
			Registered entry = this.registered.get(key);
			if (entry == null) {
				throw new IllegalStateException(registration + " is not registered");
			}
			entry.status = status;
			putOnCurrentLease(entry);
			return null;
		}, "Setting the status of " + key);
	}

	/**
	 * Write an instance's registration again with its current
	 * {@link EtcdRegistration#getConfigStatus() configuration status} and
	 * {@link EtcdRegistration#getHealth() health}, on the lease it has. Does nothing
	 * while the instance is not registered: its next registration carries the status.
	 * @param registration the instance
	 */
	public void updateConfigStatus(EtcdRegistration registration) {
		String key = key(registration);
		call(() -> {
			Optional.ofNullable(this.registered.get(key)).ifPresent(this::putOnCurrentLease);
			return null;
		}, "Writing the configuration status of " + key);
	}

	/**
	 * The status of a registered instance.
	 * @param registration the instance
	 * @return the status, or {@code null} when it is not registered
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T> T getStatus(EtcdRegistration registration) {
		String key = key(registration);
		return (T) call(() -> {
			Registered entry = this.registered.get(key);
			return (entry != null) ? entry.status : null;
		}, "Reading the status of " + key);
	}

	/**
	 * Whether an instance is registered now: its entry is on a lease whose heartbeats are
	 * confirmed.
	 * @param registration the instance
	 * @return whether it is registered
	 */
	public boolean isRegistered(EtcdRegistration registration) {
		String key = key(registration);
		return call(() -> {
			Registered entry = this.registered.get(key);
			return entry != null && entry.lease != null && entry.lease.isAlive();
		}, "Checking the registration of " + key);
	}

	/**
	 * The key of an instance.
	 * @param registration the instance
	 * @return {prefix}{service}/{instance}
	 */
	public String key(EtcdRegistration registration) {
		return this.properties.getPrefix() + registration.getServiceId() + "/" + registration.getInstanceId();
	}

	// On the worker thread from here on.

	private void putOnNewLease(Registered entry) {
		EtcdLease lease = uninterruptibly(() -> EtcdLease.grant(this.client, this.properties.getTtl(),
				this.properties.heartbeatIntervalOrDefault(), this.timeout, this.heartbeats,
				(lost, reason) -> submit(() -> leaseLost(entry, lost, reason))));
		try {
			put(entry, lease);
		}
		catch (RuntimeException ex) {
			lease.revoke();
			throw ex;
		}
		EtcdLease previous = entry.lease;
		entry.lease = lease;
		entry.backOff = null;
		if (previous != null) {
			// The entry is on the new lease now, so revoking the old one does not take it
			// along.
			previous.revoke();
		}
	}

	// Without a live lease the entry is being registered again, and that registration
	// writes the current values.
	private void putOnCurrentLease(Registered entry) {
		EtcdLease lease = entry.lease;
		if (lease != null && lease.isAlive()) {
			put(entry, lease);
		}
	}

	private void put(Registered entry, EtcdLease lease) {
		ByteSequence key = EtcdBytes.of(entry.key);
		ByteSequence value = EtcdBytes.of(this.format.write(entry.registration, entry.status));
		uninterruptibly(() -> EtcdCalls.await(
				this.client.getKVClient().put(key, value, PutOption.builder().withLeaseId(lease.getId()).build()),
				this.timeout, "Writing " + entry.key));
	}

	private void leaseLost(Registered entry, EtcdLease lease, String reason) {
		if (this.registered.get(entry.key) != entry || entry.lease != lease) {
			return;
		}
		logger.warn("The registration " + entry.key + " lost its lease (" + reason + "); registering again");
		registerAgain(entry);
	}

	private void registerAgain(Registered entry) {
		entry.retry = null;
		if (this.registered.get(entry.key) != entry) {
			return;
		}
		try {
			putOnNewLease(entry);
			logger.info("Registered " + entry.registration + " in etcd again at " + entry.key);
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot register " + entry.registration + " in etcd (" + EtcdCalls.describe(ex)
					+ "); trying again");
			retryLater(entry);
		}
	}

	private void retryLater(Registered entry) {
		if (entry.backOff == null) {
			// Never slower than the heartbeats, so a recovered etcd sees the instance
			// again within one interval.
			entry.backOff = EtcdBackOff.start(FIRST_RETRY_DELAY, this.properties.heartbeatIntervalOrDefault());
		}
		entry.retry = this.worker.schedule(() -> registerAgain(entry), entry.backOff.nextBackOff(),
				TimeUnit.MILLISECONDS);
	}

	private void forget(Registered entry) {
		if (entry.retry != null) {
			entry.retry.cancel(false);
		}
		EtcdLease lease = entry.lease;
		if (lease == null) {
			return;
		}
		try {
			uninterruptibly(() -> EtcdCalls.await(lease.revoke(), this.timeout, "Revoking the lease of " + entry.key));
			logger.info("Deregistered " + entry.registration + " from etcd");
		}
		catch (RuntimeException ex) {
			if (!EtcdErrors.isLeaseNotFound(ex)) {
				logger.warn("Cannot deregister " + entry.key + " (" + EtcdCalls.describe(ex)
						+ "); the entry expires with its lease within " + this.properties.getTtl().toSeconds() + " s");
			}
		}
	}

	private void submit(Runnable task) {
		try {
			this.worker.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// Shutting down: nothing to register any more.
		}
	}

	/**
	 * Run a task on the worker thread and wait for it. The etcd calls inside have their
	 * own deadlines; the overall one only guards against a worker stuck behind earlier
	 * tasks.
	 */
	private <T> T call(Callable<T> task, String what) {
		Future<T> future = this.worker.submit(task);
		try {
			return future.get(4 * this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			throw (cause instanceof RuntimeException runtime) ? runtime
					: new IllegalStateException(what + " failed", cause);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException(what + " did not finish within " + 4 * this.timeout.toMillis() + " ms", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(what + " was interrupted", ex);
		}
	}

	private static <T> T uninterruptibly(Callable<T> call) {
		try {
			return call.call();
		}
		catch (InterruptedException ex) {
			// Only shutdownNow interrupts the worker.
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while shutting down", ex);
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * One registered instance. Only touched on the worker thread.
	 */
	private static final class Registered {

		private final String key;

		private final EtcdRegistration registration;

		private String status;

		private EtcdLease lease;

		private BackOffExecution backOff;

		private ScheduledFuture<?> retry;

		Registered(String key, EtcdRegistration registration, String status) {
			this.key = key;
			this.registration = registration;
			this.status = status;
		}

	}

}
