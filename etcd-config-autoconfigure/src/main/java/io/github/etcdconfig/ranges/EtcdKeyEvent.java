package io.github.etcdconfig.ranges;

/**
 * A key as read or watched: a put when {@code value} is set, a delete when it is
 * {@code null}.
 *
 * @param key the raw key
 * @param value the raw value, {@code null} for a delete
 * @param modRevision the revision of the put or delete
 */
public record EtcdKeyEvent(byte[] key, byte[] value, long modRevision) {

	/**
	 * A put.
	 * @param key the key
	 * @param value the value
	 * @param modRevision the revision
	 * @return the event
	 */
	public static EtcdKeyEvent put(byte[] key, byte[] value, long modRevision) {
		return new EtcdKeyEvent(key, value, modRevision);
	}

	/**
	 * A delete.
	 * @param key the key
	 * @param modRevision the revision
	 * @return the event
	 */
	public static EtcdKeyEvent delete(byte[] key, long modRevision) {
		return new EtcdKeyEvent(key, null, modRevision);
	}

	public boolean isDelete() {
		return this.value == null;
	}

}
