package io.github.etcdconfig.lock;

import org.springframework.context.ApplicationEvent;

/**
 * Published when a held {@link EtcdLock} loses its lease, as soon as that is known and
 * before the holder calls {@code unlock()}: a listener can stop the work the lock
 * protected. Published on the locks' heartbeat thread, so a listener should only hand the
 * news on.
 */
public class EtcdLockLostEvent extends ApplicationEvent {

	private final String reason;

	/**
	 * Create the event.
	 * @param lock the lost lock
	 * @param reason why its lease was lost
	 */
	public EtcdLockLostEvent(EtcdLock lock, String reason) {
		super(lock);
		this.reason = reason;
	}

	/**
	 * The lost lock.
	 * @return the lock
	 */
	public EtcdLock getLock() {
		return (EtcdLock) getSource();
	}

	/**
	 * The lock key.
	 * @return the key
	 */
	public String getKey() {
		return getLock().getKey();
	}

	/**
	 * Why the lease was lost.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

}
