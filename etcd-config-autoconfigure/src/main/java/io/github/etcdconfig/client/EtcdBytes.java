package io.github.etcdconfig.client;

import java.nio.charset.StandardCharsets;

import io.etcd.jetcd.ByteSequence;

/**
 * Text to etcd's bytes and back, as UTF-8: the keys and values the starter writes itself
 * (registrations, lock contenders, credentials). Configuration values are decoded
 * strictly by {@code EtcdKeyMapper} instead, so that a value that is not UTF-8 is
 * reported rather than garbled.
 */
public final class EtcdBytes {

	private EtcdBytes() {
	}

	/**
	 * Text as etcd bytes.
	 * @param text the text
	 * @return its UTF-8 bytes
	 */
	public static ByteSequence of(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	/**
	 * etcd bytes as text; bytes that are not UTF-8 become replacement characters.
	 * @param bytes the bytes
	 * @return the text
	 */
	public static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
