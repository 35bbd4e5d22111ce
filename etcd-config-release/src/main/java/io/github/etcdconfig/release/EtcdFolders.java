package io.github.etcdconfig.release;

import java.nio.charset.CharacterCodingException;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.github.etcdconfig.client.EtcdBytes;
import io.github.etcdconfig.config.EtcdKeyMapper;
import io.github.etcdconfig.ranges.EtcdKeyRange;

/**
 * Lists the names of the folders inside a folder, such as the applications in
 * {@code /config-apps/}. Reads one key per folder found and jumps past the rest of it, so
 * the cost grows with the number of folders, not of keys.
 */
final class EtcdFolders {

	private final KV kv;

	private final Duration timeout;

	EtcdFolders(KV kv, Duration timeout) {
		this.kv = kv;
		this.timeout = timeout;
	}

	/**
	 * The folders right inside a folder that hold at least one key.
	 * @param folder the folder, ending in {@code /}
	 * @return the names, sorted; names a layer could not have (blank, or with a
	 * placeholder) are left out
	 */
	Set<String> names(String folder) {
		Set<String> names = new TreeSet<>();
		ByteSequence end = EtcdKeyRange.prefix(folder).endKey();
		ByteSequence from = EtcdBytes.of(folder);
		while (true) {
			GetOption option = GetOption.builder().withRange(end).withKeysOnly(true).withLimit(1).build();
			var keys = EtcdReleaseCalls.await(this.kv.get(from, option), this.timeout, "Listing " + folder).getKvs();
			if (keys.isEmpty()) {
				return names;
			}
			KeyValue first = keys.get(0);
			String name = name(folder, first);
			if (name != null) {
				if (!name.isBlank() && !name.contains("{")) {
					names.add(name);
				}
				// '0' follows '/': the first key after every key of this folder.
				from = EtcdBytes.of(folder + name + "0");
			}
			else {
				from = ByteSequence.from(append(first.getKey().getBytes(), (byte) 0));
			}
		}
	}

	// The folder a key lies in, or null for a key right in the folder or one that is not
	// UTF-8.
	private static String name(String folder, KeyValue key) {
		try {
			String rest = EtcdKeyMapper.decode(key.getKey().getBytes()).substring(folder.length());
			int slash = rest.indexOf('/');
			return (slash > 0) ? rest.substring(0, slash) : null;
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

	private static byte[] append(byte[] bytes, byte last) {
		byte[] longer = new byte[bytes.length + 1];
		System.arraycopy(bytes, 0, longer, 0, bytes.length);
		longer[bytes.length] = last;
		return longer;
	}

}
