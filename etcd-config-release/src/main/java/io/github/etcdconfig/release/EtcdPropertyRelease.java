package io.github.etcdconfig.release;

import java.time.Instant;

/**
 * A release that changed one property's value in a layer. {@link #toString()} never shows
 * values.
 *
 * @param release the release id
 * @param time when it was published
 * @param author who published it
 * @param message why, or {@code null}
 * @param key the key that holds the property (a plain key, or a document key)
 * @param oldValue the property's value before, {@code null} when it had none
 * @param newValue its value after, {@code null} when it was removed
 */
public record EtcdPropertyRelease(long release, Instant time, String author, String message, String key,
		Object oldValue, Object newValue) {

	@Override
	public String toString() {
		return "release " + this.release + " (" + this.key + ")";
	}

}
