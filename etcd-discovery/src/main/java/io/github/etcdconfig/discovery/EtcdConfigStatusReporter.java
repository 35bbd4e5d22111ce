package io.github.etcdconfig.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.github.etcdconfig.client.EtcdThreads;
import io.github.etcdconfig.config.EtcdConfigSnapshot;
import io.github.etcdconfig.config.EtcdConfigStore;
import io.github.etcdconfig.config.EtcdConfigStores;
import io.github.etcdconfig.config.EtcdInstanceIdentity;
import io.github.etcdconfig.ranges.EtcdCalls;
import io.github.etcdconfig.refresh.EtcdConfigChangedEvent;
import io.github.etcdconfig.refresh.EtcdConfigRejectedEvent;
import io.github.etcdconfig.refresh.EtcdConfigRejection;
import io.github.etcdconfig.refresh.EtcdConfigWatcher;
import io.github.etcdconfig.refresh.EtcdConfigWatchers;
import io.github.etcdconfig.verify.EtcdConfigVerdict;
import io.github.etcdconfig.verify.EtcdConfigVerdictEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.SmartApplicationListener;

/**
 * Keeps this instance's {@link EtcdConfigStatus} in its registration, so that the
 * operator tools can tell which instances have applied a release: the etcd revision of
 * the applied configuration, whether the values may be stale, and the watch state. It
 * reports the application's first etcd source.
 *
 * <p>
 * The revision is the one of the last {@link EtcdConfigChangedEvent}, published once the
 * beans have the new values; a change that alters no property of this instance (a release
 * for a profile it does not run) publishes no event, and counts as applied as soon as the
 * watcher has it. The registration is written again at most once per
 * {@code etcd.discovery.config-status-interval}: a change after a quiet period at once,
 * the changes of a burst together, and the last state always. The write keeps the
 * registration's lease. The reporter is told of every change (a snapshot swapped in,
 * whether or not it changed a property; a new watch state; the events below) instead of
 * asking at intervals, so an idle instance's reporter thread sleeps; a write that fails
 * is tried again after the interval.
 *
 * <p>
 * A revision the instance rejected ({@link EtcdConfigRejectedEvent}) is reported as
 * {@code rejected} beside the revision still applied, until a later one is applied. A
 * verdict on a proposed change ({@link EtcdConfigVerdictEvent}) is written at once, the
 * interval notwithstanding: the operator tool waits for it. The newest
 * {@value EtcdConfigStatus#MAX_VERDICTS} verdicts are kept.
 *
 * <p>
 * One scheduler thread computes and writes the status; the watcher's applier thread only
 * records the applied snapshot and hands a report over, so a slow etcd never delays a
 * refresh.
 */
public class EtcdConfigStatusReporter implements SmartApplicationListener, InitializingBean, DisposableBean {

	private static final Log logger = LogFactory.getLog(EtcdConfigStatusReporter.class);

	// How long a registration waits for the rollout its identity takes: a refresh, at
	// most, on the watcher's applier thread.
	private static final Duration IDENTITY_TIMEOUT = Duration.ofSeconds(10);

	private final EtcdServiceRegistry registry;

	private final EtcdRegistration registration;

	private final EtcdConfigStore store;

	private final EtcdConfigStores stores;

	private final ObjectProvider<EtcdConfigWatchers> watchers;

	private final long intervalNanos;

	private final AtomicReference<EtcdConfigSnapshot> applied;

	private final boolean verifies;

	private final AtomicReference<EtcdConfigRejection> rejected = new AtomicReference<>();

	// Replaced on the scheduler thread only; newest first.
	private volatile List<EtcdConfigVerdict> verdicts = List.of();

	private final ScheduledExecutorService scheduler = Executors
		.newSingleThreadScheduledExecutor(EtcdThreads.daemon("etcd-config-status"));

	// Only touched on the scheduler thread.
	private EtcdConfigStatus written;

	private long nextWrite = System.nanoTime();

	private boolean pending;

	private final AtomicBoolean followingWatchState = new AtomicBoolean();

	/**
	 * Create a reporter.
	 * @param registry writes the registration
	 * @param registration this instance
	 * @param stores the application's etcd sources; the first one is reported
	 * @param watchers the watchers, for the watch state; may provide none when etcd is
	 * not watched
	 * @param interval the shortest time between two writes
	 */
	public EtcdConfigStatusReporter(EtcdServiceRegistry registry, EtcdRegistration registration,
			EtcdConfigStores stores, ObjectProvider<EtcdConfigWatchers> watchers, Duration interval) {
		this(registry, registration, stores, watchers, interval, false);
	}

	/**
	 * Create a reporter.
	 * @param registry writes the registration
	 * @param registration this instance
	 * @param stores the application's etcd sources; the first one is reported
	 * @param watchers the watchers, for the watch state; may provide none when etcd is
	 * not watched
	 * @param interval the shortest time between two writes
	 * @param verifies whether this instance evaluates proposed changes
	 */
	public EtcdConfigStatusReporter(EtcdServiceRegistry registry, EtcdRegistration registration,
			EtcdConfigStores stores, ObjectProvider<EtcdConfigWatchers> watchers, Duration interval, boolean verifies) {
		this.verifies = verifies;
		this.registry = registry;
		this.registration = registration;
		this.stores = stores;
		List<EtcdConfigStore> all = stores.getStores();
		this.store = all.isEmpty() ? null : all.get(0);
		this.watchers = watchers;
		this.intervalNanos = interval.toNanos();
		this.applied = new AtomicReference<>((this.store != null) ? this.store.getSnapshot() : null);
	}

	/**
	 * Put the status into the registration before it is first written, and start checking
	 * it.
	 */
	@Override
	public void afterPropertiesSet() {
		if (this.store == null) {
			return;
		}
		this.registration.setConfigStatus(current());
		this.store.addSnapshotListener(() -> execute(this::report));
	}

	/**
	 * Make the registration's id and metadata this instance's identity to staged
	 * rollouts, and wait until the values of a rollout that matches it are applied, so
	 * that the registration written next already reports the rollout: an operator never
	 * sees this instance registered without the rollout it takes. Called right before
	 * each registration, once the port, and so the default instance id, is known.
	 * @param registration this instance
	 */
	public void identify(EtcdRegistration registration) {
		EtcdInstanceIdentity identity = new EtcdInstanceIdentity(registration.getInstanceId(),
				registration.getMetadata());
		try {
			this.stores.setIdentity(identity).get(IDENTITY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// Registered anyway: the status is written again once the rollout is applied.
			logger.warn("The staged rollouts were not matched against " + registration.getInstanceId() + " within "
					+ IDENTITY_TIMEOUT.toSeconds() + " s; registering without them for now");
		}
		if (this.store != null) {
			this.registration.setConfigStatus(current());
		}
	}

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return ContextRefreshedEvent.class.isAssignableFrom(eventType)
				|| EtcdConfigChangedEvent.class.isAssignableFrom(eventType)
				|| EtcdConfigRejectedEvent.class.isAssignableFrom(eventType)
				|| EtcdConfigVerdictEvent.class.isAssignableFrom(eventType);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (this.store == null) {
			return;
		}
		if (event instanceof ContextRefreshedEvent) {
			// The watchers exist and have started by now.
			followWatchState();
			execute(this::report);
		}
		else if (event instanceof EtcdConfigVerdictEvent verdict) {
			// Written at once: the operator tool waits for it.
			execute(() -> {
				List<EtcdConfigVerdict> verdicts = new ArrayList<>(EtcdConfigStatus.MAX_VERDICTS);
				verdicts.add(verdict.getVerdict());
				this.verdicts.stream()
					.filter((previous) -> !previous.proposal().equals(verdict.getVerdict().proposal()))
					.limit(EtcdConfigStatus.MAX_VERDICTS - 1)
					.forEach(verdicts::add);
				this.verdicts = List.copyOf(verdicts);
				write(System.nanoTime());
			});
		}
		else if (event instanceof EtcdConfigRejectedEvent rejected) {
			if (this.store.getName().equals(rejected.getSourceName())) {
				// At once too: status --wait stops at the first rejection.
				this.rejected.set(rejected.getRejection());
				execute(() -> write(System.nanoTime()));
			}
		}
		else if (event instanceof EtcdConfigChangedEvent changed) {
			applied(changed);
		}
	}

	private void applied(EtcdConfigChangedEvent event) {
		if (!this.store.getName().equals(event.getSourceName())) {
			return;
		}
		// Published on the applier thread, which swapped the snapshot in before the
		// event: no later snapshot can be in yet, so this is the one applied.
		EtcdConfigSnapshot snapshot = this.store.getSnapshot();
		if (snapshot.getRevision() == event.getRevision()) {
			this.applied.set(snapshot);
		}
		this.rejected.set(null);
		execute(this::report);
	}

	private void followWatchState() {
		EtcdConfigWatchers all = this.watchers.getIfAvailable();
		if (all == null || this.followingWatchState.getAndSet(true)) {
			return;
		}
		for (EtcdConfigWatcher watcher : all.getWatchers()) {
			if (watcher.getStore() == this.store) {
				watcher.getWatcher().getStatus().addStateListener(() -> execute(this::report));
			}
		}
	}

	private void execute(Runnable task) {
		try {
			this.scheduler.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// Shutting down.
		}
	}

	/**
	 * The status as it would be written now.
	 * @return the status
	 */
	public EtcdConfigStatus current() {
		EtcdConfigSnapshot snapshot = this.store.getSnapshot();
		EtcdConfigSnapshot last = this.applied.get();
		if (snapshot != last && snapshot.getRevision() >= last.getRevision() && sameProperties(last, snapshot)) {
			// A change that reached no property of this instance: nothing to apply, so it
			// is applied. At the same revision: a rollout shown or hidden whose values
			// change nothing.
			this.applied.compareAndSet(last, snapshot);
			last = snapshot;
		}
		EtcdConfigSnapshot.Rollout rollout = last.getRollout();
		return new EtcdConfigStatus(last.getRevision(), this.store.isFromSnapshotFile(), watchState(), this.verifies,
				this.rejected.get(), this.verdicts,
				(rollout != null) ? new EtcdConfigStatus.Rollout(rollout.id(), rollout.revision()) : null);
	}

	private void report() {
		long now = System.nanoTime();
		if (now - this.nextWrite < 0) {
			reportLater(this.nextWrite - now);
			return;
		}
		write(now);
	}

	private void reportLater(long delayNanos) {
		if (!this.pending) {
			this.pending = true;
			this.scheduler.schedule(() -> {
				this.pending = false;
				report();
			}, delayNanos, TimeUnit.NANOSECONDS);
		}
	}

	private void write(long now) {
		EtcdConfigStatus status = current();
		if (status.equals(this.written)) {
			return;
		}
		this.registration.setConfigStatus(status);
		try {
			this.registry.updateConfigStatus(this.registration);
			this.written = status;
		}
		catch (RuntimeException ex) {
			// Written again after the interval; the lease keeps the previous status
			// meanwhile.
			logger.debug("Cannot write the configuration status of " + this.registration + " now ("
					+ EtcdCalls.describe(ex) + ")");
			reportLater(this.intervalNanos);
		}
		this.nextWrite = now + this.intervalNanos;
	}

	private String watchState() {
		EtcdConfigWatchers all = this.watchers.getIfAvailable();
		if (all == null) {
			return null;
		}
		for (EtcdConfigWatcher watcher : all.getWatchers()) {
			if (watcher.getStore() == this.store) {
				return watcher.getWatcher().getStatus().getState().name();
			}
		}
		return null;
	}

	private static boolean sameProperties(EtcdConfigSnapshot before, EtcdConfigSnapshot after) {
		String[] names = after.getPropertyNames();
		if (names.length != before.getPropertyNames().length) {
			return false;
		}
		for (String name : names) {
			if (!Objects.equals(before.getProperty(name), after.getProperty(name))) {
				return false;
			}
		}
		return true;
	}

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
	}

}
