package io.github.etcdconfig.release;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.github.etcdconfig.client.EtcdBytes;
import io.github.etcdconfig.config.EtcdPropertyChange;
import io.github.etcdconfig.config.EtcdRolloutSelector;

/**
 * Every change of a staged rollout's state, each one etcd transaction guarded by the
 * state as read (so that a pause, an abort or another driver in between makes it fail
 * rather than overwrite): start, widen, start of a bake, pause, resume, and the two ends,
 * which go through the publisher as a release of kind {@code ROLLOUT} guarded like any
 * release.
 */
final class EtcdRollouts {

	// A rollback that meets a concurrent change of the layer reads again and retries.
	private static final int ATTEMPTS = 5;

	private final KV kv;

	private final EtcdReleaseSettings settings;

	private final EtcdRolloutStore store;

	private final EtcdReleasePlanner planner;

	private final EtcdReleasePublisher publisher;

	private final EtcdInstances instances;

	private final Clock clock;

	EtcdRollouts(KV kv, EtcdReleaseSettings settings, EtcdRolloutStore store, EtcdReleasePlanner planner,
			EtcdReleasePublisher publisher, EtcdInstances instances, Clock clock) {
		this.kv = kv;
		this.settings = settings;
		this.store = store;
		this.planner = planner;
		this.publisher = publisher;
		this.instances = instances;
		this.clock = clock;
	}

	EtcdRolloutStore store() {
		return this.store;
	}

	EtcdLayer layer(String application) {
		return EtcdLayer.of(this.settings.prefixes(), application, null);
	}

	EtcdRolloutStore.Read read(EtcdLayer layer) {
		return this.store.read(layer);
	}

	EtcdRolloutStore.Read active(String application) {
		EtcdRolloutStore.Read read = this.store.read(layer(application));
		if (read == null || !read.state().isActive()) {
			throw EtcdReleaseException.invalid("No rollout of " + application + " is running or paused");
		}
		return read;
	}

	EtcdRolloutState start(EtcdReleasePlan plan, EtcdRolloutOptions options, String author, String message) {
		if (plan.layers().size() != 1 || !plan.layers().get(0).layer().isApplicationLayer()) {
			throw EtcdReleaseException.invalid("A staged rollout releases into an application's own layer: "
					+ "name the application, and no profile");
		}
		if (plan.isEmpty()) {
			throw EtcdReleaseException.invalid("Nothing to roll out: the release changes no key");
		}
		EtcdLayerChange change = plan.layers().get(0);
		List<String> removed = change.changes()
			.stream()
			.filter((key) -> key.type() == EtcdKeyChange.Type.REMOVED)
			.map(EtcdKeyChange::key)
			.toList();
		if (!removed.isEmpty()) {
			throw EtcdReleaseException.invalid("A staged rollout never deletes a key, and this release deletes "
					+ removed + "; nothing was written. Push without --prune, or release the deletion on its own "
					+ "without --canary.");
		}
		EtcdLayer layer = change.layer();
		EtcdRolloutStore.Read before = this.store.read(layer);
		if (before != null && before.state().isActive()) {
			throw EtcdReleasePublisher.running(before.state());
		}
		String id = UUID.randomUUID().toString().substring(0, 8);
		String seed = seed(change);
		List<String> registered = registered(layer.application());
		EtcdRolloutStage first = options.stages().get(0);
		EtcdRolloutSelector selector = new EtcdRolloutSelector(id, seed, List.of(first.rule(seed, registered)));
		Instant now = this.clock.instant();
		List<EtcdRolloutState.Stage> stages = new ArrayList<>();
		for (EtcdRolloutStage stage : options.stages()) {
			stages.add(new EtcdRolloutState.Stage(stage.text(), null, null));
		}
		stages.set(0, new EtcdRolloutState.Stage(first.text(), now, subset(layer.application(), selector)));
		EtcdRolloutState state = new EtcdRolloutState(id, layer.application(), layer.prefix(),
				EtcdRolloutState.Status.RUNNING, stages, 0, options.bake(), options.applyTimeout(), null,
				selector.toJson(), 0, 0, author, message, properties(change), null, now, now);
		// The transaction that completes the rollout is its largest: the plan, its
		// record,
		// and the rollout's end. One that cannot commit is refused before anything is
		// written, not at its last stage.
		this.publisher.checkSize(plan, ending(layer, before, state));
		List<Cmp> compares = this.publisher.compares(plan);
		compares.add(this.store.unchanged(layer, before));
		List<Op> operations = new ArrayList<>();
		operations.add(EtcdRolloutStore.putSelector(layer, selector));
		for (EtcdKeyChange key : change.changes()) {
			operations.add(Op.put(EtcdBytes.of(EtcdRolloutStore.valueKey(layer, key.key())),
					EtcdBytes.of(key.newValue()), PutOption.DEFAULT));
		}
		operations.add(this.store.put(layer, state));
		long revision = commit(compares, operations, "Starting the rollout of " + layer, () -> {
			EtcdRolloutStore.Read after = this.store.read(layer);
			if (after != null && after.state().isActive()) {
				return EtcdReleasePublisher.running(after.state());
			}
			return new EtcdReleaseException(EtcdReleaseException.Reason.CONFLICT,
					layer + " changed after it was " + "read at revision " + plan.baseRevision()
							+ "; nothing was written. Look at the difference " + "again and repeat.");
		});
		return state.withRevisions(revision, revision);
	}

	// The same release (the same keys and values) hashes instance ids with the same
	// seed, so picks the same share of them.
	private static String seed(EtcdLayerChange change) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			for (EtcdKeyChange key : change.changes()) {
				digest.update((key.key() + "\n" + key.newValue() + "\n").getBytes(StandardCharsets.UTF_8));
			}
			return HexFormat.of().formatHex(digest.digest(), 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	private static List<String> properties(EtcdLayerChange change) {
		Set<String> names = new LinkedHashSet<>();
		for (EtcdKeyChange key : change.changes()) {
			if (key.name() != null) {
				names.add(key.name());
			}
			key.properties().stream().map(EtcdPropertyChange::name).forEach(names::add);
		}
		return List.copyOf(names);
	}

	List<String> registered(String application) {
		return this.instances.list(application).stream().map(EtcdInstanceStatus::instance).toList();
	}

	private List<String> subset(String application, EtcdRolloutSelector selector) {
		return this.instances.list(application)
			.stream()
			.filter((instance) -> selector.matches(instance.instance(), instance.metadata()))
			.map(EtcdInstanceStatus::instance)
			.toList();
	}

	/**
	 * Widen the rollout to its next stage, which is not the last.
	 */
	EtcdRolloutState widen(EtcdLayer layer, EtcdRolloutStore.Read read) {
		EtcdRolloutState state = read.state();
		int next = state.stage() + 1;
		EtcdRolloutStage stage = EtcdRolloutStage.parse(state.stages().get(next).spec());
		EtcdRolloutSelector current = state.subsetSelector();
		EtcdRolloutSelector selector = current.with(stage.rule(current.seed(), registered(layer.application())));
		EtcdRolloutState widened = state.reached(next, selector, subset(layer.application(), selector),
				this.clock.instant());
		long revision = commit(List.of(this.store.unchanged(layer, read)),
				List.of(EtcdRolloutStore.putSelector(layer, selector), this.store.put(layer, widened)),
				"Widening the rollout of " + layer, () -> changedMeanwhile(layer));
		return widened.withRevisions(state.startRevision(), revision);
	}

	EtcdRolloutState update(EtcdLayer layer, EtcdRolloutStore.Read read, EtcdRolloutState updated, String what) {
		commit(List.of(this.store.unchanged(layer, read)), List.of(this.store.put(layer, updated)),
				what + " the rollout of " + layer, () -> changedMeanwhile(layer));
		return updated;
	}

	EtcdRolloutState pause(String application, String by) {
		EtcdRolloutStore.Read read = active(application);
		if (read.state().status() == EtcdRolloutState.Status.PAUSED) {
			return read.state();
		}
		return update(layer(application), read, read.state().with(EtcdRolloutState.Status.PAUSED, this.clock.instant()),
				"Pausing");
	}

	EtcdRolloutState resume(String application, String by) {
		EtcdRolloutStore.Read read = active(application);
		if (read.state().status() == EtcdRolloutState.Status.RUNNING) {
			return read.state();
		}
		Instant now = this.clock.instant();
		// The stage bakes again in full: its instances were not watched while paused.
		return update(layer(application), read,
				read.state().with(EtcdRolloutState.Status.RUNNING, now).withBakeStartedAt(null, now), "Resuming");
	}

	/**
	 * The last stage: the values into the application's layer, guarded like a release,
	 * the rollout folder removed and the state completed, in one transaction.
	 */
	EtcdRelease complete(EtcdLayer layer, EtcdRolloutStore.Read read) {
		EtcdRolloutState state = read.state();
		Instant now = this.clock.instant();
		int last = state.stages().size() - 1;
		EtcdRolloutState completed = state
			.reached(last, state.subsetSelector().with(new EtcdRolloutSelector.Share(1)),
					registered(layer.application()), now)
			.withRevisions(state.startRevision(), state.stageRevision())
			.with(EtcdRolloutState.Status.COMPLETED, now);
		EtcdReleasePlan plan = this.planner.rolloutEnd(layer,
				"staged rollout " + state.id() + " completed in " + state.stages().size() + " stages",
				this.store.values(layer));
		return this.publisher.publish(plan, state.author(), state.message(), now, null, ending(layer, read, completed))
			.get(0);
	}

	/**
	 * Remove the rollout's values: its selector and values deleted, its state rolled back
	 * or aborted with the cause, and its record, in one transaction. Retried when the
	 * layer or the state changed meanwhile.
	 * @return the record, or {@code null} when the rollout had ended meanwhile
	 */
	EtcdRelease rollBack(EtcdLayer layer, EtcdRolloutState.Status status, EtcdRolloutState.Cause cause) {
		EtcdReleaseException conflict = null;
		for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
			EtcdRolloutStore.Read read = this.store.read(layer);
			if (read == null || !read.state().isActive()) {
				return null;
			}
			EtcdRolloutState state = read.state();
			Instant now = this.clock.instant();
			EtcdRolloutState ended = state.withCause(status, cause, now);
			EtcdReleasePlan plan = this.planner.rolloutEnd(layer,
					"staged rollout " + state.id() + " "
							+ ((status == EtcdRolloutState.Status.ABORTED) ? "aborted" : "rolled back") + ": " + cause,
					Map.of());
			try {
				return this.publisher
					.publish(plan, state.author(), state.message(), now, null, ending(layer, read, ended))
					.get(0);
			}
			catch (EtcdReleaseException ex) {
				if (ex.getReason() != EtcdReleaseException.Reason.CONFLICT) {
					throw ex;
				}
				conflict = ex;
			}
		}
		throw conflict;
	}

	// What the transaction that ends a rollout does besides its plan: the rollout's
	// folder
	// deleted and its last state written, guarded by the state as read.
	private EtcdReleasePublisher.Rollout ending(EtcdLayer layer, EtcdRolloutStore.Read read, EtcdRolloutState ended) {
		return new EtcdReleasePublisher.Rollout(ended, List.of(this.store.unchanged(layer, read)),
				List.of(EtcdRolloutStore.deleteFolder(layer), this.store.put(layer, ended)));
	}

	private EtcdReleaseException changedMeanwhile(EtcdLayer layer) {
		EtcdRolloutStore.Read read = this.store.read(layer);
		return new EtcdReleaseException(EtcdReleaseException.Reason.CONFLICT,
				"The rollout of " + layer + " changed meanwhile" + ((read != null) ? ": it is now " + read.state() : "")
						+ "; nothing was written");
	}

	private long commit(List<Cmp> compares, List<Op> operations, String what, Supplier<EtcdReleaseException> failure) {
		TxnResponse response = EtcdReleaseCalls.await(
				this.kv.txn().If(compares.toArray(Cmp[]::new)).Then(operations.toArray(Op[]::new)).commit(),
				this.settings.timeout(), what);
		if (!response.isSucceeded()) {
			throw failure.get();
		}
		return response.getHeader().getRevision();
	}

}
