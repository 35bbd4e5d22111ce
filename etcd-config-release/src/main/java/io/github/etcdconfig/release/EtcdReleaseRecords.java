package io.github.etcdconfig.release;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.github.etcdconfig.client.EtcdBytes;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The release records of layers: where each one is kept, how it is written and read. A
 * layer's records are {@code {releases-prefix}{layer prefix without its leading
 * /}releases/{id}}, the id zero-padded to ten digits so that key order is release order.
 * The record is JSON; its revision is not written but read back as the record key's
 * create revision, which is the revision of the release's transaction.
 */
final class EtcdReleaseRecords {

	private static final Pattern ID = Pattern.compile("\\d{10}");

	private static final JsonMapper JSON = mapper().addMixIn(EtcdRelease.class, Stored.class)
		.addMixIn(EtcdKeyChange.class, StoredChange.class)
		.build();

	/**
	 * How what the release tools keep in etcd is read: tolerant of members written by
	 * later versions.
	 * @return a builder of the mapper
	 */
	static JsonMapper.Builder mapper() {
		return JsonMapper.builder()
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
					DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
	}

	private final KV kv;

	private final String releasesPrefix;

	private final Duration timeout;

	EtcdReleaseRecords(KV kv, String releasesPrefix, Duration timeout) {
		this.kv = kv;
		this.releasesPrefix = releasesPrefix;
		this.timeout = timeout;
	}

	String folder(EtcdLayer layer) {
		return layer.releasesFolder(this.releasesPrefix);
	}

	String key(EtcdLayer layer, long id) {
		return folder(layer) + String.format("%010d", id);
	}

	byte[] write(EtcdRelease release) {
		return JSON.writeValueAsBytes(release);
	}

	/**
	 * The highest release id of a layer at a revision.
	 * @return the id, 0 when the layer has no release
	 */
	long lastId(EtcdLayer layer, long revision) {
		GetOption option = GetOption.builder()
			.withRange(EtcdBytes.of(folder(layer) + ":"))
			.withKeysOnly(true)
			.withRevision(revision)
			.build();
		long last = 0;
		for (KeyValue kv : EtcdReleaseCalls
			.await(this.kv.get(EtcdBytes.of(folder(layer) + "0"), option), this.timeout,
					"Reading the releases of " + layer.prefix())
			.getKvs()) {
			long id = id(layer, kv);
			last = Math.max(last, id);
		}
		return last;
	}

	/**
	 * Releases of a layer, newest first.
	 * @param from the lowest id wanted
	 * @param limit the most wanted, 0 for all
	 * @param revision the revision to read at, 0 for the newest
	 */
	List<EtcdRelease> read(EtcdLayer layer, long from, int limit, long revision) {
		GetOption.Builder option = GetOption.builder()
			.withRange(EtcdBytes.of(folder(layer) + ":"))
			.withSortField(GetOption.SortTarget.KEY)
			.withSortOrder(GetOption.SortOrder.DESCEND)
			.withRevision(revision);
		if (limit > 0) {
			option.withLimit(limit);
		}
		List<EtcdRelease> releases = new ArrayList<>();
		for (KeyValue kv : EtcdReleaseCalls
			.await(this.kv.get(EtcdBytes.of(key(layer, from)), option.build()), this.timeout,
					"Reading the releases of " + layer.prefix())
			.getKvs()) {
			if (id(layer, kv) > 0) {
				releases.add(read(kv).in(layer));
			}
		}
		return releases;
	}

	private EtcdRelease read(KeyValue kv) {
		String key = kv.getKey().toString(StandardCharsets.UTF_8);
		try {
			return JSON.readValue(kv.getValue().getBytes(), EtcdRelease.class).withRevision(kv.getCreateRevision());
		}
		catch (RuntimeException ex) {
			throw EtcdReleaseException.invalid(
					"The release record " + key + " cannot be read: it is not a release " + "written by this tool");
		}
	}

	// Another layer's records may lie deeper in this folder (a layer at .../releases/x/):
	// only ten digits are ours.
	private long id(EtcdLayer layer, KeyValue kv) {
		String rest = kv.getKey().toString(StandardCharsets.UTF_8).substring(folder(layer).length());
		Matcher matcher = ID.matcher(rest);
		return matcher.matches() ? Long.parseLong(rest) : 0;
	}

	/**
	 * How a record is stored: without what is derived from etcd (the revision) or from
	 * the changes (the counts).
	 */
	@JsonIgnoreProperties({ "revision", "added", "changed", "removed" })
	private interface Stored {

	}

	/**
	 * How a key change is stored: without the properties of a document, which are read
	 * from its values.
	 */
	@JsonIgnoreProperties("properties")
	private interface StoredChange {

	}

}
