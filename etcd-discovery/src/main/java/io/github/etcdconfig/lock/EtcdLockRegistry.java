package io.github.etcdconfig.lock;

import org.springframework.integration.support.locks.ExpirableLockRegistry;
import org.springframework.util.Assert;

/**
 * Spring Integration's view of {@link EtcdLocks}, for aggregators, leader election
 * ({@code LockRegistryLeaderInitiator}) and {@code executeLocked}. Keys are strings; the
 * locks are {@link EtcdLock}s, with the same reentrancy and lease-loss rules.
 */
public class EtcdLockRegistry implements ExpirableLockRegistry<EtcdLock> {

	private final EtcdLocks locks;

	/**
	 * Adapt locks.
	 * @param locks the locks
	 */
	public EtcdLockRegistry(EtcdLocks locks) {
		this.locks = locks;
	}

	@Override
	public EtcdLock obtain(Object lockKey) {
		Assert.isInstanceOf(String.class, lockKey, "An etcd lock key must be a String");
		return this.locks.obtain((String) lockKey);
	}

	@Override
	public void expireUnusedOlderThan(long age) {
		this.locks.expireUnusedOlderThan(age);
	}

}
