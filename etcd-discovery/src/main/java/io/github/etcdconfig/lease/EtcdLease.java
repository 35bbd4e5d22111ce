package io.github.etcdconfig.lease;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.github.etcdconfig.client.EtcdErrors;
import io.github.etcdconfig.client.EtcdThreads;
import io.github.etcdconfig.ranges.EtcdCalls;

/**
 * An etcd lease kept alive by heartbeats, and the one place that decides when it is lost.
 * Service registration and locks both hold their keys on such leases.
 *
 * <p>
 * Each heartbeat is one request with a deadline, sent every {@code heartbeat} on the
 * owner's scheduler on the one keep-alive stream that every lease of the client shares
 * ({@link EtcdLeaseStream}); its answer is handled on that scheduler too, never on gRPC's
 * event loop. The lease is <em>lost</em> when etcd answers that it does not know it (it
 * expired or was revoked), or when no heartbeat was confirmed for a whole TTL: etcd may
 * then have expired it, so the holder must assume it did. The owner's
 * {@link LossListener} is told once, on the scheduler thread.
 *
 * <p>
 * The TTL is counted from the moment a request was sent, not from its answer, so the
 * holder never believes in a lease longer than etcd does.
 */
public final class EtcdLease {

	private final Client client;

	private final long id;

	private final long ttlNanos;

	private final Duration heartbeat;

	private final Duration timeout;

	private final ScheduledExecutorService scheduler;

	private final LossListener listener;

	private final EtcdLeaseStream stream;

	private final AtomicBoolean open = new AtomicBoolean(true);

	/** When the last confirmed heartbeat (or the grant) was sent. */
	private volatile long confirmedAt;

	private volatile boolean alive = true;

	private volatile String lossReason;

	private volatile ScheduledFuture<?> nextHeartbeat;

	private volatile ScheduledFuture<?> expiry;

	private EtcdLease(Client client, LeaseGrantResponse granted, long sentAt, Duration heartbeat, Duration timeout,
			ScheduledExecutorService scheduler, LossListener listener) {
		this.client = client;
		this.id = granted.getID();
		this.ttlNanos = TimeUnit.SECONDS.toNanos(granted.getTTL());
		this.heartbeat = heartbeat;
		this.timeout = timeout;
		this.scheduler = scheduler;
		this.listener = listener;
		this.confirmedAt = sentAt;
		this.stream = EtcdLeaseStream.of(client);
		this.stream.open();
	}

	/**
	 * Grant a lease and start its heartbeats. Blocks the calling thread for at most
	 * {@code timeout}.
	 * @param client the client
	 * @param ttl the time to live; etcd counts whole seconds, so it is rounded up
	 * @param heartbeat the interval of the heartbeats, shorter than the TTL
	 * @param timeout the deadline of each etcd call
	 * @param scheduler runs the heartbeats and the listener
	 * @param listener told once when the lease is lost
	 * @return the lease, alive
	 * @throws InterruptedException when the calling thread was interrupted
	 * @throws io.etcd.jetcd.common.exception.EtcdException when etcd refused or did not
	 * answer
	 */
	public static EtcdLease grant(Client client, Duration ttl, Duration heartbeat, Duration timeout,
			ScheduledExecutorService scheduler, LossListener listener) throws InterruptedException {
		long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
		long sentAt = System.nanoTime();
		LeaseGrantResponse granted = EtcdCalls.await(client.getLeaseClient().grant(seconds), timeout,
				"Granting a lease of " + seconds + " s");
		EtcdLease lease = new EtcdLease(client, granted, sentAt, heartbeat, timeout, scheduler, listener);
		try {
			lease.scheduleHeartbeat(heartbeat.toNanos());
			lease.scheduleExpiry();
		}
		catch (RejectedExecutionException ex) {
			// The owner is shutting down: give the lease back rather than leave it to
			// expire.
			lease.revoke();
			throw ex;
		}
		return lease;
	}

	/**
	 * The lease id, as etcd and {@code etcdctl lease list} show it (in hexadecimal
	 * there).
	 * @return the id
	 */
	public long getId() {
		return this.id;
	}

	/**
	 * Whether the lease is still held: neither lost nor revoked.
	 * @return whether keys on it can be trusted to exist
	 */
	public boolean isAlive() {
		return this.alive;
	}

	/**
	 * Why the lease was lost.
	 * @return the reason, or {@code null} while it is alive or after a revoke
	 */
	public String getLossReason() {
		return this.lossReason;
	}

	/**
	 * Stop the heartbeats and revoke the lease, which deletes every key on it. Returns at
	 * once.
	 * @return the revoke call, with a deadline; it fails with a "lease not found" error
	 * when etcd no longer knew the lease
	 */
	public CompletableFuture<Void> revoke() {
		this.alive = false;
		cancelTimers();
		CompletableFuture<Void> revoked = this.client.getLeaseClient()
			.revoke(this.id)
			.orTimeout(this.timeout.toMillis(), TimeUnit.MILLISECONDS)
			.thenApply((response) -> null);
		release();
		return revoked;
	}

	/**
	 * Stop the heartbeats without revoking the lease, for an owner that shuts down while
	 * the lease's holder may still rely on its keys: etcd expires the lease within its
	 * TTL, and its keys with it. The lease no longer needs the client's keep-alive
	 * stream, which ends once no other lease of the client does. {@link #isAlive()} does
	 * not change, and {@link #revoke()} still gives the lease back.
	 */
	public void stopHeartbeats() {
		cancelTimers();
		release();
	}

	/**
	 * A scheduler for the heartbeats of leases, one thread. Each confirmed heartbeat
	 * cancels the expiry check it makes obsolete; the cancelled check leaves the queue at
	 * once instead of waking the thread when it was due (a wake-up per heartbeat, 18 a
	 * minute per lease of 10 s, of an otherwise idle application).
	 * @param name the thread's name
	 * @return the scheduler
	 */
	public static ScheduledExecutorService scheduler(String name) {
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, EtcdThreads.daemon(name));
		scheduler.setRemoveOnCancelPolicy(true);
		return scheduler;
	}

	@Override
	public String toString() {
		return "lease " + Long.toHexString(this.id);
	}

	// On the scheduler thread from here on.

	private void heartbeat() {
		if (!this.alive) {
			return;
		}
		long sentAt = System.nanoTime();
		this.stream.keepAliveOnce(this.id, this.timeout)
			.whenCompleteAsync((response, error) -> answered(sentAt, response, error), this.scheduler);
	}

	private void answered(long sentAt, LeaseKeepAliveResponse response, Throwable error) {
		if (!this.alive) {
			return;
		}
		if (error == null) {
			this.confirmedAt = Math.max(this.confirmedAt, sentAt);
			scheduleExpiry();
			scheduleHeartbeat(this.heartbeat.toNanos());
		}
		else if (EtcdErrors.isLeaseNotFound(error)) {
			lost("etcd no longer knows " + this + ": it expired or was revoked");
		}
		else {
			// etcd is unreachable for now: try again soon, and the expiry check decides
			// when it is too late.
			scheduleHeartbeat(Math.min(this.heartbeat.toNanos(), TimeUnit.MILLISECONDS.toNanos(500)));
		}
	}

	private void checkExpiry() {
		if (this.alive && System.nanoTime() - this.confirmedAt >= this.ttlNanos) {
			lost("no heartbeat of " + this + " was confirmed for its whole TTL of "
					+ TimeUnit.NANOSECONDS.toSeconds(this.ttlNanos) + " s: etcd may have expired it");
		}
	}

	private void lost(String reason) {
		this.lossReason = reason;
		this.alive = false;
		cancelTimers();
		release();
		this.listener.leaseLost(this, reason);
	}

	private void scheduleHeartbeat(long delayNanos) {
		this.nextHeartbeat = this.scheduler.schedule(this::heartbeat, delayNanos, TimeUnit.NANOSECONDS);
	}

	private void scheduleExpiry() {
		ScheduledFuture<?> previous = this.expiry;
		if (previous != null) {
			previous.cancel(false);
		}
		long remaining = this.confirmedAt + this.ttlNanos - System.nanoTime();
		this.expiry = this.scheduler.schedule(this::checkExpiry, Math.max(0, remaining), TimeUnit.NANOSECONDS);
	}

	// The stream may end once no lease of the client needs it.
	private void release() {
		if (this.open.compareAndSet(true, false)) {
			this.stream.close();
		}
	}

	private void cancelTimers() {
		ScheduledFuture<?> heartbeat = this.nextHeartbeat;
		if (heartbeat != null) {
			heartbeat.cancel(false);
		}
		ScheduledFuture<?> expiry = this.expiry;
		if (expiry != null) {
			expiry.cancel(false);
		}
	}

	/**
	 * Told when a lease is lost, on the scheduler thread. Keep it short: heartbeats of
	 * other leases wait meanwhile.
	 */
	@FunctionalInterface
	public interface LossListener {

		/**
		 * The lease is lost: its keys are gone, or will be soon.
		 * @param lease the lease
		 * @param reason why it is considered lost
		 */
		void leaseLost(EtcdLease lease, String reason);

	}

}
