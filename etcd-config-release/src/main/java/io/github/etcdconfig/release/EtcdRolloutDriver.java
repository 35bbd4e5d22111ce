package io.github.etcdconfig.release;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.github.etcdconfig.client.EtcdBytes;
import io.github.etcdconfig.config.EtcdRolloutSelector;
import io.github.etcdconfig.lease.EtcdLease;

/**
 * Drives one application's staged rollout to its end, on the calling thread: waits until
 * the instances of the current stage have applied it (for the rollout's apply timeout at
 * most, from the stage being reached), lets them bake, widens the rollout stage by stage,
 * and completes it as a release of the application's layer. It watches the registry all
 * along and rolls the rollout back at once, in one transaction, when an instance of the
 * subset rejects the release, turns to a status other than healthy, publishes a health of
 * DOWN, leaves the registry, or registers again on a new lease (a restart), and when the
 * instances of a stage have not all applied it within the apply timeout.
 *
 * <p>
 * One driver at a time holds a rollout: the lock is a key next to the rollout's state,
 * bound to a lease of {@value #LEASE_SECONDS} seconds kept alive while the driver runs. A
 * driver whose process was killed leaves its key until the lease expires: a new driver
 * waits for that, and says so. The watches only wake the driver (a jetcd callback does
 * nothing else); every etcd call has the settings' deadline.
 */
public final class EtcdRolloutDriver {

	/** The driver lock's lease. */
	static final int LEASE_SECONDS = 10;

	// How long a new driver waits for the lock of one that may have been killed: its
	// lease, and some slack.
	private static final Duration LOCK_WAIT = Duration.ofSeconds(LEASE_SECONDS + 5);

	// The watches wake the driver; it reads again at least this often in case a watch
	// lost an event while it reconnected.
	private static final Duration RECHECK = Duration.ofSeconds(1);

	// A third of the lease, so that two heartbeats may fail before it expires.
	private static final Duration HEARTBEAT = Duration.ofMillis(LEASE_SECONDS * 1000 / 3);

	// How long the driver rides out an unreachable etcd before it gives up (the rollout
	// stays in etcd, for resume).
	private static final Duration OUTAGE = Duration.ofSeconds(60);

	private final Client client;

	private final EtcdRollouts rollouts;

	private final EtcdInstances instances;

	private final EtcdLayer layer;

	private final Duration timeout;

	private final Clock clock;

	private final String holder;

	private volatile EtcdLease lease;

	EtcdRolloutDriver(Client client, EtcdRollouts rollouts, EtcdInstances instances, EtcdLayer layer, Duration timeout,
			Clock clock) {
		this.client = client;
		this.rollouts = rollouts;
		this.instances = instances;
		this.layer = layer;
		this.timeout = timeout;
		this.clock = clock;
		this.holder = "driver " + ManagementFactory.getRuntimeMXBean().getName() + " "
				+ Long.toHexString(System.nanoTime());
	}

	/**
	 * The application whose rollout this driver drives.
	 * @return the application
	 */
	public String application() {
		return this.layer.application();
	}

	/**
	 * Drive the rollout until it ends, or an operator pauses it.
	 * @param listener told of every step, on this thread
	 * @return how it ended
	 * @throws EtcdReleaseException (conflict) when another driver holds the rollout;
	 * (invalid) when the application has no rollout; (unavailable) when etcd stayed
	 * unreachable: the rollout stays in etcd for {@code resume}
	 */
	public EtcdRolloutResult run(Consumer<EtcdRolloutStatus> listener) {
		if (this.rollouts.read(this.layer) == null) {
			throw EtcdReleaseException.invalid("No rollout of " + application() + " was ever started");
		}
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "etcd-rollout-driver-lease");
			thread.setDaemon(true);
			return thread;
		});
		try {
			this.lease = lock(scheduler, listener);
			return drive(scheduler, listener);
		}
		finally {
			// The lock goes with its lease, before run returns, so that the next driver
			// (a resume right after) finds it free; a revocation that fails or times out
			// leaves it to expire.
			if (this.lease != null) {
				this.lease.revoke().exceptionally((ex) -> null).join();
			}
			scheduler.shutdownNow();
		}
	}

	private EtcdLease grant(ScheduledExecutorService scheduler) {
		return EtcdReleaseCalls.run(() -> EtcdLease.grant(this.client, Duration.ofSeconds(LEASE_SECONDS), HEARTBEAT,
				this.timeout, scheduler, (lost, reason) -> {
					// Noticed by the driver's next step, which takes the lock again.
				}), this.timeout, "Granting the lease of the rollout driver of " + application());
	}

	/**
	 * This driver's holder, the value of its lock key.
	 * @return the holder
	 */
	String holder() {
		return this.holder;
	}

	private EtcdLease lock(ScheduledExecutorService scheduler, Consumer<EtcdRolloutStatus> listener) {
		EtcdLease lease = grant(scheduler);
		try {
			return lock(lease, listener);
		}
		catch (RuntimeException ex) {
			// A lock call that timed out may still have committed: the key then goes with
			// this lease, whose heartbeats must not keep it held. A revocation that fails
			// leaves it to expire, and the next attempt takes the key over as its own.
			lease.revoke();
			throw ex;
		}
	}

	private EtcdLease lock(EtcdLease lease, Consumer<EtcdRolloutStatus> listener) {
		String key = this.rollouts.store().driverKey(this.layer);
		long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
		boolean told = false;
		Semaphore released = new Semaphore(0);
		try (Watch.Watcher watcher = this.client.getWatchClient()
			.watch(EtcdBytes.of(key), WatchOption.DEFAULT,
					Watch.listener((response) -> released.release(), (error) -> released.release()))) {
			while (true) {
				TxnResponse response = EtcdReleaseCalls.await(this.client.getKVClient()
					.txn()
					.If(new Cmp(EtcdBytes.of(key), Cmp.Op.EQUAL, CmpTarget.version(0)))
					.Then(Op.put(EtcdBytes.of(key), EtcdBytes.of(this.holder),
							PutOption.builder().withLeaseId(lease.getId()).build()))
					.Else(Op.get(EtcdBytes.of(key), GetOption.DEFAULT))
					.commit(), this.timeout, "Taking the driver lock of " + application());
				if (response.isSucceeded()) {
					return lease;
				}
				List<KeyValue> held = response.getGetResponses().get(0).getKvs();
				String by = held.isEmpty() ? "another driver" : held.get(0).getValue().toString(StandardCharsets.UTF_8);
				if (this.holder.equals(by) && takeOver(key, lease)) {
					return lease;
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new EtcdReleaseException(EtcdReleaseException.Reason.CONFLICT,
							"The rollout of " + application() + " is driven by " + by
									+ " (the console, or another command line); "
									+ "nothing was done. Pause or abort it there, or wait for it to end.");
				}
				if (!told) {
					EtcdRolloutStore.Read read = this.rollouts.read(this.layer);
					listener.accept(new EtcdRolloutStatus(EtcdRolloutStatus.Event.WAITING_FOR_LOCK, read.state(),
							List.of(), "The rollout is held by " + by + "; if that driver was killed, its lock expires "
									+ "with its lease within " + LEASE_SECONDS + " s. Waiting..."));
					told = true;
				}
				released.tryAcquire(Math.min(left, RECHECK.toNanos()), TimeUnit.NANOSECONDS);
				released.drainPermits();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new EtcdReleaseException(EtcdReleaseException.Reason.UNAVAILABLE, "The driver was interrupted", ex);
		}
	}

	// The key holds this driver's own holder, left by an earlier attempt whose call timed
	// out but committed, on a lease no longer kept alive: bind it to the live lease.
	private boolean takeOver(String key, EtcdLease lease) {
		return EtcdReleaseCalls
			.await(this.client.getKVClient()
				.txn()
				.If(new Cmp(EtcdBytes.of(key), Cmp.Op.EQUAL, CmpTarget.value(EtcdBytes.of(this.holder))))
				.Then(Op.put(EtcdBytes.of(key), EtcdBytes.of(this.holder),
						PutOption.builder().withLeaseId(lease.getId()).build()))
				.commit(), this.timeout, "Taking the driver lock of " + application())
			.isSucceeded();
	}

	private EtcdRolloutResult drive(ScheduledExecutorService scheduler, Consumer<EtcdRolloutStatus> listener) {
		Semaphore changed = new Semaphore(0);
		Watch.Listener wake = Watch.listener((response) -> changed.release(), (error) -> changed.release());
		EtcdInstances.Registry first = this.instances.read(application());
		// From the revision of the first reading: etcd replays every change after it, so
		// nothing that happens before the watch is set up is missed.
		WatchOption from = WatchOption.builder().isPrefix(true).withRevision(first.revision() + 1).build();
		try (Watch.Watcher registry = this.client.getWatchClient()
			.watch(EtcdBytes.of(this.instances.folder(application())), from, wake);
				Watch.Watcher state = this.client.getWatchClient()
					.watch(EtcdBytes.of(this.rollouts.store().stateKey(this.layer)), from, wake)) {
			// The instances that took the rollout's values, and the lease each was
			// registered on when it joined: a restart registers it again on another.
			Map<String, Long> members = new LinkedHashMap<>();
			String told = null;
			long outageSince = 0;
			while (true) {
				Instant wakeAt;
				try {
					if (!this.lease.isAlive()) {
						// etcd was out of reach for a whole lease: take the lock again.
						this.lease.revoke();
						this.lease = lock(scheduler, listener);
					}
					Step step = step(members, listener, told);
					if (step.result() != null) {
						return step.result();
					}
					told = step.told();
					wakeAt = step.wakeAt();
					outageSince = 0;
				}
				catch (EtcdReleaseException ex) {
					if (ex.getReason() == EtcdReleaseException.Reason.CONFLICT) {
						// The state changed meanwhile (a pause, an abort): read it again.
						continue;
					}
					if (ex.getReason() != EtcdReleaseException.Reason.UNAVAILABLE) {
						throw ex;
					}
					outageSince = (outageSince != 0) ? outageSince : System.nanoTime();
					if (System.nanoTime() - outageSince > OUTAGE.toNanos()) {
						throw ex;
					}
					wakeAt = this.clock.instant().plus(RECHECK);
				}
				long wait = Math.max(0,
						Math.min(Duration.between(this.clock.instant(), wakeAt).toNanos(), RECHECK.toNanos()));
				changed.tryAcquire(wait, TimeUnit.NANOSECONDS);
				changed.drainPermits();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new EtcdReleaseException(EtcdReleaseException.Reason.UNAVAILABLE, "The driver was interrupted", ex);
		}
	}

	/**
	 * One look at the rollout and the registry, and what it calls for.
	 */
	private Step step(Map<String, Long> members, Consumer<EtcdRolloutStatus> listener, String told) {
		EtcdRolloutStore.Read read = this.rollouts.read(this.layer);
		EtcdRolloutState state = read.state();
		if (!state.isActive()) {
			return Step.ended(ended(state, null, listener));
		}
		if (state.status() == EtcdRolloutState.Status.PAUSED) {
			listener.accept(new EtcdRolloutStatus(EtcdRolloutStatus.Event.PAUSED, state, List.of(),
					"Paused at stage " + (state.stage() + 1) + " (" + state.currentStage().spec()
							+ "); 'rollout resume --app " + application() + "' drives it on."));
			return Step.ended(new EtcdRolloutResult(EtcdRolloutResult.Outcome.DETACHED, state, null));
		}
		Map<String, EtcdInstanceStatus> registered = new LinkedHashMap<>();
		this.instances.list(application()).forEach((instance) -> registered.put(instance.instance(), instance));
		EtcdRolloutSelector selector = state.subsetSelector();
		for (int i = 0; i <= state.stage(); i++) {
			state.stages().get(i).instances().forEach((id) -> join(members, id, registered.get(id)));
		}
		registered.values()
			.stream()
			.filter((instance) -> selector.matches(instance.instance(), instance.metadata()))
			.forEach((instance) -> join(members, instance.instance(), instance));
		EtcdRolloutState.Cause cause = failure(members, registered, state);
		if (cause != null) {
			return rollBack(cause, listener);
		}
		// An instance that reports no configuration (another language's) cannot be
		// waited for; its status, health and presence are still watched.
		List<String> pending = members.keySet()
			.stream()
			.map(registered::get)
			.filter((instance) -> instance.isReporting() && !instance.hasApplied(state.id(), state.stageRevision()))
			.map(EtcdInstanceStatus::instance)
			.toList();
		Instant now = this.clock.instant();
		// A member that reports a revision but never applies (its watch off or broken
		// under a live lease, an identity the registry does not know) would hold the
		// rollout, and the others its values, forever. Once the stage was applied (it
		// bakes), an instance that turns stale for a while is waited for as before.
		Instant deadline = (state.bakeStartedAt() == null) ? state.applyDeadline() : null;
		if (!pending.isEmpty() && deadline != null && !now.isBefore(deadline)) {
			EtcdRolloutState.Cause late = new EtcdRolloutState.Cause(
					String.join(", ", pending.stream().map((id) -> application() + "/" + id).toList()),
					"did not apply stage " + (state.stage() + 1) + " (" + state.currentStage().spec() + ") within "
							+ EtcdRolloutOptions.text(state.applyTimeout()));
			return rollBack(late, listener);
		}
		if (!pending.isEmpty()) {
			String message = "Stage " + (state.stage() + 1) + "/" + state.stages().size() + " ("
					+ state.currentStage().spec() + "): waiting for " + pending + " to apply revision "
					+ state.stageRevision();
			if (!message.equals(told)) {
				listener.accept(new EtcdRolloutStatus(EtcdRolloutStatus.Event.WAITING, state, pending, message));
			}
			Instant wakeAt = now.plus(RECHECK);
			return Step.next((deadline != null && deadline.isBefore(wakeAt)) ? deadline : wakeAt, message);
		}
		if (state.bakeStartedAt() == null) {
			EtcdRolloutState baking = this.rollouts.update(this.layer, read, state.withBakeStartedAt(now, now),
					"Baking");
			listener.accept(new EtcdRolloutStatus(EtcdRolloutStatus.Event.BAKING, baking, List.of(),
					"Stage " + (state.stage() + 1) + "/" + state.stages().size() + " (" + state.currentStage().spec()
							+ "): " + members.size() + " instance(s) " + members.keySet() + " applied it; baking "
							+ state.bake().toSeconds() + " s until " + baking.bakeEndsAt()));
			return Step.next(baking.bakeEndsAt(), null);
		}
		if (now.isBefore(state.bakeEndsAt())) {
			return Step.next(state.bakeEndsAt(), told);
		}
		if (state.stage() + 1 >= state.stages().size() - 1) {
			EtcdRelease release = this.rollouts.complete(this.layer, read);
			return Step.ended(ended(this.rollouts.read(this.layer).state(), release, listener));
		}
		EtcdRolloutState widened = this.rollouts.widen(this.layer, read);
		listener.accept(new EtcdRolloutStatus(EtcdRolloutStatus.Event.STAGE_REACHED, widened, List.of(),
				"Stage " + (widened.stage() + 1) + "/" + widened.stages().size() + " (" + widened.currentStage().spec()
						+ ") reached at revision " + widened.stageRevision() + ": "
						+ widened.currentStage().instances()));
		return Step.next(now, null);
	}

	// One transaction removes the rollout's values and records the cause.
	private Step rollBack(EtcdRolloutState.Cause cause, Consumer<EtcdRolloutStatus> listener) {
		EtcdRelease release = this.rollouts.rollBack(this.layer, EtcdRolloutState.Status.ROLLED_BACK, cause);
		EtcdRolloutStore.Read after = this.rollouts.read(this.layer);
		return Step.ended(ended(after.state(), release, listener));
	}

	// An instance joins with the lease it is registered on, or none while it is not.
	private static void join(Map<String, Long> members, String id, EtcdInstanceStatus instance) {
		members.putIfAbsent(id, (instance != null) ? instance.lease() : null);
	}

	// The first failure among the instances that took the rollout's values.
	private EtcdRolloutState.Cause failure(Map<String, Long> members, Map<String, EtcdInstanceStatus> registered,
			EtcdRolloutState state) {
		for (Map.Entry<String, Long> member : members.entrySet()) {
			EtcdInstanceStatus instance = registered.get(member.getKey());
			String name = application() + "/" + member.getKey();
			if (instance == null) {
				return new EtcdRolloutState.Cause(name, "left the registry (stopped, or its lease expired)");
			}
			// A process that crashed and started again within its lease's time overwrites
			// its entry before the old lease expires: it never leaves the registry.
			if (member.getValue() != null && member.getValue() != instance.lease()) {
				return new EtcdRolloutState.Cause(name, "restarted: registered again on a new lease");
			}
			if (instance.rejected() != null && instance.rejected().revision() >= state.startRevision()) {
				return new EtcdRolloutState.Cause(name, "rejected the release at revision "
						+ instance.rejected().revision() + ": " + instance.rejected().properties());
			}
			if (!instance.isServing()) {
				return new EtcdRolloutState.Cause(name, "its registration status is " + instance.status());
			}
			if (instance.isDown()) {
				return new EtcdRolloutState.Cause(name, "its health is DOWN");
			}
		}
		return null;
	}

	private EtcdRolloutResult ended(EtcdRolloutState state, EtcdRelease release, Consumer<EtcdRolloutStatus> listener) {
		EtcdRolloutResult.Outcome outcome = switch (state.status()) {
			case COMPLETED -> EtcdRolloutResult.Outcome.COMPLETED;
			case ABORTED -> EtcdRolloutResult.Outcome.ABORTED;
			default -> EtcdRolloutResult.Outcome.ROLLED_BACK;
		};
		EtcdRolloutStatus.Event event = switch (outcome) {
			case COMPLETED -> EtcdRolloutStatus.Event.COMPLETED;
			case ABORTED -> EtcdRolloutStatus.Event.ABORTED;
			default -> EtcdRolloutStatus.Event.ROLLED_BACK;
		};
		String message = switch (outcome) {
			case COMPLETED -> "Completed: the values are " + ((release != null)
					? "release " + release.id() + " at revision " + release.revision() + " of " : "a release of ")
					+ this.layer.prefix();
			case ABORTED -> "Aborted (" + state.cause() + "): every instance has the layer's values again";
			default -> "Rolled back: " + state.cause() + "; every instance has the layer's values again";
		};
		listener.accept(new EtcdRolloutStatus(event, state, List.of(), message));
		return new EtcdRolloutResult(outcome, state, release);
	}

	/**
	 * What a look at the rollout calls for.
	 *
	 * @param result the end, or {@code null} to go on
	 * @param wakeAt when to look again at the latest, unless a watch wakes the driver
	 * @param told the last waiting message, not repeated
	 */
	private record Step(EtcdRolloutResult result, Instant wakeAt, String told) {

		static Step ended(EtcdRolloutResult result) {
			return new Step(result, null, null);
		}

		static Step next(Instant wakeAt, String told) {
			return new Step(null, wakeAt, told);
		}

	}

}
