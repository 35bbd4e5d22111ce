package io.github.etcdconfig.lock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.github.etcdconfig.client.EtcdBytes;
import io.github.etcdconfig.client.EtcdErrors;
import io.github.etcdconfig.ranges.EtcdCalls;
import io.github.etcdconfig.lease.EtcdLease;
import io.github.etcdconfig.watch.EtcdWatchStream;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A lock shared by every process that uses the same etcd and key, obtained from
 * {@link EtcdLocks}.
 *
 * <p>
 * <b>Reentrancy.</b> Like {@link ReentrantLock}, per thread: the holding thread may lock
 * again, and must unlock as many times; only the last {@code unlock()} releases the lock
 * in etcd. Threads of one process queue on a local lock first, so only one of them at a
 * time contends in etcd. Another thread's {@code unlock()} throws
 * {@link IllegalMonitorStateException}.
 *
 * <p>
 * <b>Waiting.</b> {@code lock()} waits until the lock is free (an interrupt does not end
 * the wait; it is restored afterwards), {@code lockInterruptibly()} until it is free or
 * the thread is interrupted, {@code tryLock()} not at all and {@code tryLock(time, unit)}
 * at most that long (plus at most one etcd call's deadline when etcd is slow). A
 * contender that gives up revokes its lease, which removes it from the queue. When etcd
 * cannot be reached, these methods throw an {@link EtcdException} after the request
 * timeout, without holding the lock.
 *
 * <p>
 * <b>Node.js.</b> With {@code etcd.lock.etcd3-prefix} set, the holder also holds the key
 * npm etcd3's {@code client.lock()} takes for the same name, so etcd3's lock fails while
 * it is held here, and a contender first in line waits while a Node process holds it.
 *
 * <p>
 * <b>Losing the lock.</b> The lock is held on a lease whose heartbeats confirm, every
 * third of the TTL, that etcd still holds it. When etcd says the lease is gone, or no
 * heartbeat was confirmed for a whole TTL (the holder was cut off from etcd, which may
 * have freed the lock for another process), the lock is <em>lost</em>. The holder learns
 * it three ways: {@link #isHeld()} turns false at once, an {@link EtcdLockLostEvent} is
 * published, and the final {@link #unlock()} throws {@link EtcdLockLostException} (after
 * releasing the local lock), so work done under a lost lock never passes silently.
 */
public final class EtcdLock implements Lock {

	private static final Log logger = LogFactory.getLog(EtcdLock.class);

	private static final long NO_DEADLINE = Long.MAX_VALUE;

	private final EtcdLocks locks;

	private final String key;

	private final ReentrantLock local = new ReentrantLock();

	/** Set while a thread of this process holds the lock in etcd. */
	private volatile Holding holding;

	/** Completed to wake the contending thread when its lease is lost. */
	private volatile CompletableFuture<Void> wakeUp;

	private volatile long lastUsed = System.currentTimeMillis();

	EtcdLock(EtcdLocks locks, String key) {
		this.locks = locks;
		this.key = key;
	}

	/**
	 * The lock key.
	 * @return the key
	 */
	public String getKey() {
		return this.key;
	}

	@Override
	public void lock() {
		boolean interrupted = false;
		while (true) {
			try {
				lockInterruptibly();
				break;
			}
			catch (InterruptedException ex) {
				// An interrupt gives up the place in the queue; queue again and tell the
				// thread afterwards.
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void lockInterruptibly() throws InterruptedException {
		this.local.lockInterruptibly();
		acquire(NO_DEADLINE);
	}

	@Override
	public boolean tryLock() {
		if (!this.local.tryLock()) {
			return false;
		}
		try {
			return acquire(System.nanoTime());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@Override
	public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
		long deadline = System.nanoTime() + unit.toNanos(time);
		if (!this.local.tryLock(time, unit)) {
			return false;
		}
		return acquire(deadline);
	}

	/**
	 * Release the lock, or count down one reentrant hold.
	 * @throws IllegalMonitorStateException when the current thread does not hold the lock
	 * @throws EtcdLockLostException when the lock was lost while held; it is released all
	 * the same
	 */
	@Override
	public void unlock() {
		if (!this.local.isHeldByCurrentThread()) {
			throw new IllegalMonitorStateException("The current thread does not hold lock '" + this.key + "'");
		}
		if (this.local.getHoldCount() > 1) {
			this.local.unlock();
			return;
		}
		Holding held = this.holding;
		this.holding = null;
		try {
			release(held);
		}
		finally {
			this.lastUsed = System.currentTimeMillis();
			this.local.unlock();
		}
	}

	/**
	 * Conditions are not supported: a condition would need the lock to be released and
	 * regained in etcd.
	 * @return never
	 * @throws UnsupportedOperationException always
	 */
	@Override
	public Condition newCondition() {
		throw new UnsupportedOperationException("EtcdLock does not support conditions");
	}

	/**
	 * Whether a thread of this process holds the lock and its lease is alive.
	 * @return whether the lock is held; false from the moment it is lost
	 */
	public boolean isHeld() {
		Holding held = this.holding;
		return held != null && held.lease.isAlive();
	}

	/**
	 * Whether the current thread holds the lock and its lease is alive.
	 * @return whether the current thread holds the lock
	 */
	public boolean isHeldByCurrentThread() {
		return this.local.isHeldByCurrentThread() && isHeld();
	}

	/**
	 * The number of holds of the current thread, as {@link ReentrantLock#getHoldCount()}.
	 * @return the holds, 0 when the current thread does not hold the lock
	 */
	public int getHoldCount() {
		return this.local.getHoldCount();
	}

	@Override
	public String toString() {
		return "EtcdLock '" + this.key + "'" + (isHeld() ? " (held)" : "");
	}

	boolean isUnusedSince(long time) {
		return !this.local.isLocked() && !this.local.hasQueuedThreads() && this.lastUsed < time;
	}

	/**
	 * Take the lock in etcd; the current thread holds the local lock, and keeps it only
	 * when this returns true.
	 */
	private boolean acquire(long deadline) throws InterruptedException {
		if (this.local.getHoldCount() > 1) {
			Holding held = this.holding;
			if (!held.lease.isAlive()) {
				this.local.unlock();
				throw new EtcdLockLostException(this.key, held.lease.getLossReason());
			}
			return true;
		}
		boolean acquired = false;
		try {
			acquired = contendUntil(deadline);
			return acquired;
		}
		finally {
			if (!acquired) {
				this.local.unlock();
			}
		}
	}

	private boolean contendUntil(long deadline) throws InterruptedException {
		while (true) {
			EtcdLease lease = this.locks.grant(this::leaseLost);
			Outcome outcome = Outcome.LOST;
			try {
				outcome = contend(lease, deadline);
			}
			finally {
				if (outcome != Outcome.ACQUIRED) {
					// Leaves the queue: the contender behind sees the key go and checks
					// again.
					lease.revoke();
				}
			}
			if (outcome == Outcome.ACQUIRED) {
				Holding held = new Holding(lease);
				this.holding = held;
				this.lastUsed = System.currentTimeMillis();
				if (!lease.isAlive()) {
					// Lost between the check and now: the listener did not see the
					// holding yet.
					reportLost(held, lease.getLossReason());
				}
				return true;
			}
			if (outcome == Outcome.TIMED_OUT || remaining(deadline) <= 0) {
				return false;
			}
			logger.info("The lease of a contender for lock '" + this.key + "' was lost (" + lease.getLossReason()
					+ "); queueing again");
		}
	}

	private Outcome contend(EtcdLease lease, long deadline) throws InterruptedException {
		KV kv = this.locks.client().getKVClient();
		String contenders = this.locks.contenders(this.key);
		ByteSequence mine = EtcdBytes.of(contenders + Long.toHexString(lease.getId()));
		TxnResponse queued = EtcdCalls.await(kv.txn()
			.If(new Cmp(mine, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
			.Then(Op.put(mine, this.locks.owner(), PutOption.builder().withLeaseId(lease.getId()).build()))
			.Else(Op.get(mine, GetOption.DEFAULT))
			.commit(), this.locks.timeout(), "Queueing for lock '" + this.key + "'");
		long revision = queued.isSucceeded() ? queued.getHeader().getRevision()
				: queued.getGetResponses().get(0).getKvs().get(0).getCreateRevision();
		GetOption ahead = GetOption.builder()
			.isPrefix(true)
			.withMaxCreateRevision(revision - 1)
			.withSortField(GetOption.SortTarget.CREATE)
			.withSortOrder(GetOption.SortOrder.DESCEND)
			.withLimit(1)
			.build();
		while (lease.isAlive()) {
			GetResponse before = EtcdCalls.await(kv.get(EtcdBytes.of(contenders), ahead), this.locks.timeout(),
					"Reading the queue of lock '" + this.key + "'");
			ByteSequence holder;
			long seen;
			if (!before.getKvs().isEmpty()) {
				holder = before.getKvs().get(0).getKey();
				seen = before.getHeader().getRevision();
			}
			else {
				ByteSequence etcd3 = this.locks.etcd3Key(this.key);
				if (etcd3 == null) {
					return lease.isAlive() ? Outcome.ACQUIRED : Outcome.LOST;
				}
				TxnResponse taken = takeEtcd3Key(kv, etcd3, lease);
				if (taken.isSucceeded()) {
					return lease.isAlive() ? Outcome.ACQUIRED : Outcome.LOST;
				}
				holder = etcd3;
				seen = taken.getHeader().getRevision();
			}
			if (remaining(deadline) <= 0) {
				return Outcome.TIMED_OUT;
			}
			awaitDeletion(holder, seen, lease, deadline);
		}
		return Outcome.LOST;
	}

	/**
	 * Take npm etcd3's key of the lock as its {@code client.lock()} does: only when no
	 * other holds it. On this contender's lease, so that it goes with the lock.
	 */
	private TxnResponse takeEtcd3Key(KV kv, ByteSequence etcd3, EtcdLease lease) throws InterruptedException {
		return EtcdCalls.await(kv.txn()
			.If(new Cmp(etcd3, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
			.Then(Op.put(etcd3, this.locks.owner(), PutOption.builder().withLeaseId(lease.getId()).build()))
			.commit(), this.locks.timeout(), "Taking etcd3's key of lock '" + this.key + "'");
	}

	/**
	 * Wait until the contender just ahead (or the Node process that holds etcd3's key) is
	 * gone, the lease is lost, the deadline passes or a TTL went by (then the queue is
	 * read again, in case the watch went silent).
	 */
	private void awaitDeletion(ByteSequence ahead, long revision, EtcdLease lease, long deadline)
			throws InterruptedException {
		CompletableFuture<Void> wake = new CompletableFuture<>();
		this.wakeUp = wake;
		// On the client's one watch stream, beside its watchers' (the stream takes only
		// watches that require a leader; without one, the wait ends and the queue is
		// read again).
		WatchOption option = WatchOption.builder()
			.withRevision(revision + 1)
			.withNoPut(true)
			.withRequireLeader(true)
			.build();
		// Called on gRPC's threads: it only completes the future.
		Watch.Watcher watcher = EtcdWatchStream.of(this.locks.client())
			.watch(ahead, option, Watch.listener((response) -> {
				if (response.getEvents().stream().anyMatch((e) -> e.getEventType() == WatchEvent.EventType.DELETE)) {
					wake.complete(null);
				}
			}, (error) -> wake.complete(null), () -> wake.complete(null)));
		try {
			if (lease.isAlive()) {
				wake.get(Math.min(remaining(deadline), this.locks.ttl().toNanos()), TimeUnit.NANOSECONDS);
			}
		}
		catch (TimeoutException ex) {
			// Read the queue again.
		}
		catch (ExecutionException ex) {
			// Never completed exceptionally.
		}
		finally {
			this.wakeUp = null;
			watcher.close();
		}
	}

	private void release(Holding held) {
		if (!held.lease.isAlive()) {
			throw new EtcdLockLostException(this.key, held.lease.getLossReason());
		}
		try {
			EtcdCalls.await(held.lease.revoke(), this.locks.timeout(), "Releasing lock '" + this.key + "'");
		}
		catch (EtcdException ex) {
			if (EtcdErrors.isLeaseNotFound(ex)) {
				throw new EtcdLockLostException(this.key, "its lease had expired in etcd");
			}
			logger.warn("Cannot release lock '" + this.key + "' now (" + EtcdCalls.describe(ex)
					+ "); etcd frees it when its lease expires, within " + this.locks.ttl().toSeconds() + " s");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			logger.warn("Interrupted while releasing lock '" + this.key + "'; etcd frees it when its lease "
					+ "expires, within " + this.locks.ttl().toSeconds() + " s");
		}
	}

	/**
	 * Told on the heartbeat thread when a lease of this lock is lost.
	 */
	private void leaseLost(EtcdLease lease, String reason) {
		Holding held = this.holding;
		if (held != null && held.lease == lease) {
			reportLost(held, reason);
			return;
		}
		CompletableFuture<Void> wake = this.wakeUp;
		if (wake != null) {
			wake.complete(null);
		}
	}

	private void reportLost(Holding held, String reason) {
		if (!held.reported.compareAndSet(false, true)) {
			return;
		}
		logger.warn("Lock '" + this.key + "' was lost while held: " + reason);
		// The lease may still exist, after an outage: give it back so that the next
		// contender goes ahead.
		held.lease.revoke();
		this.locks.publish(new EtcdLockLostEvent(this, reason));
	}

	private static long remaining(long deadline) {
		return (deadline == NO_DEADLINE) ? Long.MAX_VALUE : deadline - System.nanoTime();
	}

	private enum Outcome {

		ACQUIRED, TIMED_OUT, LOST

	}

	/**
	 * The lock as held by a thread of this process.
	 */
	private static final class Holding {

		private final EtcdLease lease;

		private final AtomicBoolean reported = new AtomicBoolean();

		Holding(EtcdLease lease) {
			this.lease = lease;
		}

	}

}
