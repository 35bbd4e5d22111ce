package io.github.etcdconfig.ranges;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.github.etcdconfig.client.EtcdErrors;

/**
 * Reads what changed in some key ranges since a revision, from etcd's history instead of
 * the keys: what a restart from the snapshot file costs etcd is then in proportion to the
 * changes, not to the keys.
 *
 * <p>
 * It asks etcd for its current revision (a linearizable count of one key, read from
 * etcd's index alone), then watches the whole key space from the given revision + 1 until
 * an event at that revision or a later one arrives. Every revision of etcd is made by at
 * least one put or delete, so that event proves that everything before it has been seen;
 * a watch of the ranges alone would give no such sign while they are quiet. The events
 * outside the ranges are dropped on arrival.
 *
 * <p>
 * It gives up, and the caller reads every key instead, when etcd compacted the history it
 * needs, when more revisions than allowed passed since (replaying them would cost more
 * than a read), when etcd's revision is below the given one (another cluster, or one
 * restored from a backup), or when the user may not watch the whole key space. When etcd
 * does not answer in time, it fails instead: the caller tries again. jetcd's callbacks
 * only add to a list: they never block.
 */
public final class EtcdHistoryReader {

	private static final ByteSequence EVERY_KEY = ByteSequence.from(new byte[] { 0 });

	private final Client client;

	private final Duration timeout;

	private final long maxRevisions;

	/**
	 * Create a reader.
	 * @param client the client
	 * @param timeout how long each step may take
	 * @param maxRevisions the most revisions to replay; beyond, a full read is cheaper
	 */
	public EtcdHistoryReader(Client client, Duration timeout, long maxRevisions) {
		this.client = client;
		this.timeout = timeout;
		this.maxRevisions = maxRevisions;
	}

	/**
	 * Read the changes in the ranges after a revision up to a revision of etcd read
	 * before. It fails when etcd does not answer in time or cannot be reached, instead of
	 * giving up the history: a caller that tries again (a fleet restarting at once) then
	 * keeps reading the changes rather than every key, which would cost etcd far more,
	 * and keeps the revision it was answered.
	 * @param ranges the ranges
	 * @param since the revision already held
	 * @param current etcd's revision, from {@link #revision(List)}
	 * @return the changes, or empty when the history cannot be used
	 * @throws TimeoutException when the history did not arrive in time
	 * @throws ExecutionException when etcd could not be reached
	 * @throws InterruptedException when the calling thread was interrupted
	 */
	public Optional<Changes> readOrFail(List<EtcdKeyRange> ranges, long since, long current)
			throws TimeoutException, ExecutionException, InterruptedException {
		if (current == since) {
			return Optional.of(new Changes(List.of(), current));
		}
		if (current < since || current - since > this.maxRevisions) {
			return Optional.empty();
		}
		Replay replay = new Replay(ranges, since, current);
		WatchOption option = WatchOption.builder().withRange(EVERY_KEY).withRevision(since + 1).build();
		try (Watch.Watcher watcher = this.client.getWatchClient().watch(EVERY_KEY, option, replay)) {
			return Optional.of(EtcdCalls.get(replay.done, this.timeout));
		}
		catch (ExecutionException | RuntimeException ex) {
			if (EtcdErrors.kind(ex) == EtcdErrors.Kind.UNREACHABLE) {
				throw new ExecutionException(ex);
			}
			// Compacted history, a user who may not watch every key, or a watch that
			// etcd ended: the history cannot be used, whatever the next attempt does.
			return Optional.empty();
		}
	}

	/**
	 * etcd's current revision, linearizable: the revision a catch-up reads up to.
	 * @param ranges the ranges, whose first start key the user may read
	 * @return the revision
	 * @throws TimeoutException when etcd did not answer in time
	 * @throws ExecutionException when etcd could not be reached, or refused the request
	 * @throws InterruptedException when the calling thread was interrupted
	 */
	public long revision(List<EtcdKeyRange> ranges) throws TimeoutException, ExecutionException, InterruptedException {
		return EtcdCalls
			.get(EtcdRevisionRequest.send(this.client.getKVClient(), ranges.get(0).startKey()), this.timeout)
			.getHeader()
			.getRevision();
	}

	/**
	 * The changes in the ranges after a revision.
	 *
	 * @param events the puts and deletes, in revision order
	 * @param revision the revision the ranges stand at once they are applied
	 */
	public record Changes(List<EtcdKeyEvent> events, long revision) {
	}

	// Collects the events of the ranges until one at the target revision arrives, on
	// jetcd's thread.
	private static final class Replay implements Watch.Listener {

		private final List<EtcdKeyRange> ranges;

		private final long since;

		private final long target;

		private final List<EtcdKeyEvent> events = new ArrayList<>();

		private final CompletableFuture<Changes> done = new CompletableFuture<>();

		Replay(List<EtcdKeyRange> ranges, long since, long target) {
			this.ranges = ranges;
			this.since = since;
			this.target = target;
		}

		@Override
		public synchronized void onNext(WatchResponse response) {
			if (this.done.isDone()) {
				return;
			}
			long last = 0;
			for (WatchEvent event : response.getEvents()) {
				KeyValue kv = event.getKeyValue();
				byte[] key = kv.getKey().getBytes();
				last = kv.getModRevision();
				// etcd's gRPC proxy may serve a watch merged with one that started
				// earlier.
				if (last > this.since && this.ranges.stream().anyMatch((range) -> range.contains(key))) {
					this.events.add((event.getEventType() == WatchEvent.EventType.DELETE)
							? EtcdKeyEvent.delete(key, last) : EtcdKeyEvent.put(key, kv.getValue().getBytes(), last));
				}
			}
			if (last >= this.target) {
				this.done.complete(new Changes(List.copyOf(this.events), last));
			}
		}

		@Override
		public void onError(Throwable error) {
			this.done.completeExceptionally(error);
		}

		@Override
		public void onCompleted() {
			this.done.completeExceptionally(new IllegalStateException("etcd ended the watch"));
		}

	}

}
