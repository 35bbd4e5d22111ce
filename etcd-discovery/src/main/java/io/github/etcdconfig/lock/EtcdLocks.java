package io.github.etcdconfig.lock;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.github.etcdconfig.client.EtcdBytes;
import io.github.etcdconfig.lease.EtcdLease;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.util.Assert;

/**
 * Distributed locks on etcd, one {@link EtcdLock} per key and process:
 * {@code locks.obtain("orders").lock()}.
 *
 * <p>
 * Each acquisition queues a key {prefix}{key}/{lease-id} on a lease of its own, kept
 * alive by heartbeats while the lock is held; the contender with the lowest create
 * revision holds the lock, and each waiter watches the one just before it (etcd's own
 * lock recipe). A holder that dies stops its heartbeats, so etcd frees the lock within
 * the TTL. Keys may hold any character: '%' and '/' are escaped, so lock "a/b" never
 * mixes with lock "a".
 *
 * <p>
 * npm etcd3's {@code client.lock(name)} takes one key instead, when no other holds it.
 * With {@code etcd.lock.etcd3-prefix} set, the contender first in line also takes that
 * key, {etcd3-prefix}{key} unescaped, on the same lease, and waits while a Node process
 * holds it; so a lock excludes etcd3's lock of that name too.
 */
public class EtcdLocks implements ApplicationEventPublisherAware, DisposableBean {

	private final Client client;

	private final String prefix;

	private final Duration ttl;

	private final @Nullable String etcd3Prefix;

	private final Duration timeout;

	private final ByteSequence owner;

	private final ScheduledExecutorService heartbeats = EtcdLease.scheduler("etcd-lock-heartbeat");

	private final ConcurrentMap<String, EtcdLock> locks = new ConcurrentHashMap<>();

	/** The leases granted that may still be alive: held locks' and contenders'. */
	private final Set<EtcdLease> leases = ConcurrentHashMap.newKeySet();

	private volatile ApplicationEventPublisher publisher;

	/**
	 * Create the locks.
	 * @param client the client
	 * @param properties the prefix and TTL
	 * @param timeout the deadline of each etcd call
	 */
	public EtcdLocks(Client client, EtcdLockProperties properties, Duration timeout) {
		this.client = client;
		this.prefix = properties.getPrefix();
		this.ttl = properties.getTtl();
		this.etcd3Prefix = properties.getEtcd3Prefix();
		this.timeout = timeout;
		// pid@host, so `etcdctl get --prefix /locks/` shows who holds and who waits.
		this.owner = EtcdBytes.of(ManagementFactory.getRuntimeMXBean().getName());
	}

	/**
	 * The lock of a key; the same object for the same key until it is expired.
	 * @param key the lock name, not empty
	 * @return the lock
	 */
	public EtcdLock obtain(String key) {
		Assert.hasLength(key, "A lock key must not be empty");
		return this.locks.computeIfAbsent(key, (name) -> new EtcdLock(this, name));
	}

	/**
	 * Forget the locks that are neither held nor awaited and were last used longer ago
	 * than {@code age}, so a registry of many short-lived keys does not grow forever.
	 * @param age the age in milliseconds
	 */
	public void expireUnusedOlderThan(long age) {
		long now = System.currentTimeMillis();
		this.locks.values().removeIf((lock) -> lock.isUnusedSince(now - age));
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	/**
	 * Stop the heartbeats. A lock still held is freed by etcd when its lease expires,
	 * within the TTL, rather than at once: its holder may still be inside the critical
	 * section. Its lease no longer keeps the client's keep-alive stream open.
	 */
	@Override
	public void destroy() {
		this.heartbeats.shutdownNow();
		this.leases.forEach(EtcdLease::stopHeartbeats);
	}

	Client client() {
		return this.client;
	}

	Duration timeout() {
		return this.timeout;
	}

	Duration ttl() {
		return this.ttl;
	}

	ByteSequence owner() {
		return this.owner;
	}

	/**
	 * The key range of a lock's contenders.
	 */
	String contenders(String key) {
		return this.prefix + key.replace("%", "%25").replace("/", "%2F") + "/";
	}

	/**
	 * The key npm etcd3's {@code client.lock()} takes for the lock, or null when locks
	 * leave etcd3's alone.
	 */
	@Nullable ByteSequence etcd3Key(String key) {
		return (this.etcd3Prefix != null) ? EtcdBytes.of(this.etcd3Prefix + key) : null;
	}

	EtcdLease grant(EtcdLease.LossListener listener) throws InterruptedException {
		// Revoked and lost leases have let the stream go already.
		this.leases.removeIf((lease) -> !lease.isAlive());
		EtcdLease lease = EtcdLease.grant(this.client, this.ttl, this.ttl.dividedBy(3), this.timeout, this.heartbeats,
				listener);
		this.leases.add(lease);
		if (this.heartbeats.isShutdown()) {
			// Granted while destroy() stopped the others.
			lease.stopHeartbeats();
		}
		return lease;
	}

	void publish(EtcdLockLostEvent event) {
		ApplicationEventPublisher publisher = this.publisher;
		if (publisher != null) {
			publisher.publishEvent(event);
		}
	}

}
