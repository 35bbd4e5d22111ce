package io.github.etcdconfig.release;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.op.RangeCmp;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.github.etcdconfig.client.EtcdBytes;
import io.github.etcdconfig.ranges.EtcdKeyRange;

/**
 * Publishes a release plan as one etcd transaction: every change, the release record of
 * each layer, and the removal of records beyond the number kept. One transaction is one
 * revision, so every instance receives the release as one watch event and applies it as
 * one refresh.
 *
 * <p>
 * The transaction holds only if nothing changed since the plan was read: each range of
 * each layer, and the layer's records, must hold no key written after the plan's revision
 * (one range compare each), and every key the release changes or deletes must still
 * exist. Otherwise nothing is written and the release is a conflict.
 *
 * <p>
 * etcd caps the operations and the compares of one transaction ({@code --max-txn-ops}). A
 * release over the cap is refused, never split across transactions.
 */
final class EtcdReleasePublisher {

	private final KV kv;

	private final EtcdReleaseRecords records;

	private final EtcdReleaseSettings settings;

	private final EtcdRolloutStore rollouts;

	EtcdReleasePublisher(KV kv, EtcdReleaseRecords records, EtcdReleaseSettings settings, EtcdRolloutStore rollouts) {
		this.kv = kv;
		this.records = records;
		this.settings = settings;
		this.rollouts = rollouts;
	}

	/**
	 * Refuse a plan that does not fit in one transaction.
	 * @param plan the plan
	 * @throws EtcdReleaseException (invalid) naming the limit and what to do
	 */
	void checkSize(EtcdReleasePlan plan) {
		checkSize(plan, Rollout.NONE);
	}

	/**
	 * Refuse a plan that does not fit in one transaction with what a staged rollout's
	 * transaction does besides it.
	 * @param plan the plan
	 * @param rollout what the transaction does besides the plan, {@link Rollout#NONE} for
	 * a release that is no rollout
	 * @throws EtcdReleaseException (invalid) naming the limit and what to do
	 */
	void checkSize(EtcdReleasePlan plan, Rollout rollout) {
		// One record per layer comes on top of the changes; etcd limits the operations
		// and the compares of a transaction each.
		int operations = Math.max(operations(plan).size() + plan.layers().size() + rollout.operations().size(),
				compares(plan).size() + rollout.compares().size());
		if (operations > this.settings.maxTxnOps()) {
			throw EtcdReleaseException.invalid("This release needs " + operations + " operations in one transaction"
					+ ((rollout.state() != null) ? " (the staged rollout's last one)" : "")
					+ ", more than etcd's limit of " + this.settings.maxTxnOps()
					+ " (--max-txn-ops). A release is never split across transactions, so that no instance sees half "
					+ "of it. Put the configuration into one document key instead (push FILE --document "
					+ "application.yml: one key, atomic at any size up to etcd's request limit), or raise etcd's "
					+ "--max-txn-ops and pass the same --max-txn-ops here.");
		}
	}

	/**
	 * Publish a plan.
	 * @param verification what the instances said of it, kept in the records, or
	 * {@code null}
	 * @return the releases, one per layer, at the transaction's revision
	 * @throws EtcdReleaseException (conflict) when a layer changed since the plan was
	 * read
	 */
	List<EtcdRelease> publish(EtcdReleasePlan plan, String author, String message, Instant time,
			EtcdVerification verification) {
		return publish(plan, author, message, time, verification, Rollout.NONE);
	}

	/**
	 * Publish a plan, as part of a staged rollout or not.
	 * @param rollout for the end of a rollout, its last state and what its transaction
	 * does besides the plan; {@link Rollout#NONE} for any other release, which is refused
	 * while a rollout of its application runs
	 * @return the releases, one per layer, at the transaction's revision
	 * @throws EtcdReleaseException (conflict) when a layer or the rollout changed since
	 * it was read, or a rollout of an application layer of the plan runs
	 */
	List<EtcdRelease> publish(EtcdReleasePlan plan, String author, String message, Instant time,
			EtcdVerification verification, Rollout rollout) {
		checkSize(plan, rollout);
		if (rollout.state() == null) {
			refuseDuringRollout(plan);
		}
		List<EtcdRelease> releases = new ArrayList<>();
		for (EtcdLayerChange layer : plan.layers()) {
			EtcdLayer target = layer.layer();
			releases.add(new EtcdRelease(layer.release(), target.prefix(), target.application(), target.profile(),
					plan.kind(), plan.detail(), time, author, message, 0, layer.changes(), verification,
					rollout.state()));
		}
		List<Op> operations = operations(plan);
		operations.addAll(rollout.operations());
		List<Cmp> compares = compares(plan);
		compares.addAll(rollout.compares());
		for (EtcdRelease release : releases) {
			EtcdLayer layer = layerOf(plan, release);
			operations.add(Op.put(EtcdBytes.of(this.records.key(layer, release.id())),
					ByteSequence.from(this.records.write(release)), PutOption.DEFAULT));
		}
		TxnResponse response = EtcdReleaseCalls.await(
				this.kv.txn().If(compares.toArray(Cmp[]::new)).Then(operations.toArray(Op[]::new)).commit(),
				this.settings.timeout(), "Publishing the release of " + describe(plan));
		if (!response.isSucceeded()) {
			throw new EtcdReleaseException(EtcdReleaseException.Reason.CONFLICT,
					describe(plan) + " changed after it was read at revision " + plan.baseRevision()
							+ "; nothing was written. Look at the difference again and repeat.");
		}
		long revision = response.getHeader().getRevision();
		return releases.stream().map((release) -> release.withRevision(revision)).toList();
	}

	/**
	 * Refuse a release of an application's layer while a rollout of that application runs
	 * or is paused: the rollout's values would be lost, or mixed with another change. A
	 * rollout that starts after this check makes the transaction fail: it compares the
	 * rollout's state key.
	 */
	void refuseDuringRollout(EtcdReleasePlan plan) {
		for (EtcdLayerChange change : plan.layers()) {
			EtcdLayer layer = change.layer();
			if (layer.isApplicationLayer()) {
				EtcdRolloutStore.Read read = this.rollouts.read(layer);
				if (read != null && read.state().isActive()) {
					throw running(read.state());
				}
			}
		}
	}

	/**
	 * The refusal of a release or rollout while a rollout runs; the publisher's compares
	 * also hold the rollout's state key, so that a rollout started after this check makes
	 * the release's transaction fail.
	 * @param state the running rollout
	 * @return the exception (conflict)
	 */
	static EtcdReleaseException running(EtcdRolloutState state) {
		return new EtcdReleaseException(EtcdReleaseException.Reason.CONFLICT,
				"A rollout of " + state.application() + " is " + state.status().name().toLowerCase(Locale.ROOT)
						+ " (id " + state.id() + ", stage " + (state.stage() + 1) + "/" + state.stages().size() + " "
						+ state.currentStage().spec() + "); nothing was written. Let it finish, or end it with "
						+ "'rollout abort --app " + state.application() + "'.");
	}

	/**
	 * What the transaction that ends a staged rollout does besides its plan.
	 *
	 * @param state the rollout's last state, kept in the release record; {@code null} for
	 * a release that is no rollout
	 * @param compares what must hold besides the plan's compares
	 * @param operations what is written besides the plan
	 */
	record Rollout(EtcdRolloutState state, List<Cmp> compares, List<Op> operations) {

		static final Rollout NONE = new Rollout(null, List.of(), List.of());

	}

	// The changes, and per layer the removal of records beyond the number kept; the
	// records themselves come last.
	private List<Op> operations(EtcdReleasePlan plan) {
		List<Op> operations = new ArrayList<>();
		for (EtcdLayerChange layer : plan.layers()) {
			for (EtcdKeyChange change : layer.changes()) {
				operations.add((change.type() == EtcdKeyChange.Type.REMOVED)
						? Op.delete(EtcdBytes.of(change.key()), DeleteOption.DEFAULT)
						: Op.put(EtcdBytes.of(change.key()), EtcdBytes.of(change.newValue()), PutOption.DEFAULT));
			}
			long oldestKept = layer.release() - this.settings.keep() + 1;
			if (oldestKept > 1) {
				operations.add(Op.delete(EtcdBytes.of(this.records.key(layer.layer(), 0)),
						DeleteOption.builder()
							.withRange(EtcdBytes.of(this.records.key(layer.layer(), oldestKept)))
							.build()));
			}
		}
		return operations;
	}

	List<Cmp> compares(EtcdReleasePlan plan) {
		CmpTarget<?> unchanged = CmpTarget.modRevision(plan.baseRevision() + 1);
		List<Cmp> compares = new ArrayList<>();
		for (EtcdLayerChange layer : plan.layers()) {
			List<EtcdKeyRange> ranges = new ArrayList<>(layer.layer().ranges());
			ranges.add(EtcdKeyRange.prefix(this.records.folder(layer.layer())));
			for (EtcdKeyRange range : ranges) {
				compares.add(new RangeCmp(range.startKey(), range.endKey(), Cmp.Op.LESS, unchanged));
			}
			if (layer.layer().isApplicationLayer()) {
				// The layer's ranges leave out its _rollout/ folder: a rollout started
				// since the plan was read shows in its state.
				compares.add(new Cmp(EtcdBytes.of(this.rollouts.stateKey(layer.layer())), Cmp.Op.LESS, unchanged));
			}
			for (EtcdKeyChange change : layer.changes()) {
				if (change.type() != EtcdKeyChange.Type.ADDED) {
					// A key deleted meanwhile escapes the range compares, which only see
					// keys that exist.
					compares.add(new Cmp(EtcdBytes.of(change.key()), Cmp.Op.GREATER, CmpTarget.version(0)));
				}
			}
		}
		return compares;
	}

	private static EtcdLayer layerOf(EtcdReleasePlan plan, EtcdRelease release) {
		return plan.layers()
			.stream()
			.map(EtcdLayerChange::layer)
			.filter((layer) -> layer.prefix().equals(release.layer()))
			.findFirst()
			.orElseThrow();
	}

	private static String describe(EtcdReleasePlan plan) {
		return String.join(" and ", plan.layers().stream().map((layer) -> layer.layer().toString()).toList());
	}

}
