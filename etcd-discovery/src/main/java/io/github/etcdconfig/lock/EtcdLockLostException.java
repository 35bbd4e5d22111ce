package io.github.etcdconfig.lock;

/**
 * Thrown to the holder of an {@link EtcdLock} whose lease was lost while it held the
 * lock: another process may have held the lock since, so the work done under it was not
 * protected. Thrown by {@link EtcdLock#unlock()} (the local lock is released all the
 * same) and by a reentrant {@code lock()} of a lost lock.
 */
public class EtcdLockLostException extends IllegalStateException {

	private final String key;

	/**
	 * Create the exception.
	 * @param key the lock key
	 * @param reason why the lease was lost
	 */
	public EtcdLockLostException(String key, String reason) {
		super("Lock '" + key + "' was lost while held: " + reason);
		this.key = key;
	}

	/**
	 * The lock key.
	 * @return the key
	 */
	public String getKey() {
		return this.key;
	}

}
