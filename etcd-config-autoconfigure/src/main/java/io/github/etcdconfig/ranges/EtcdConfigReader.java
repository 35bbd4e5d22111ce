package io.github.etcdconfig.ranges;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.github.etcdconfig.client.EtcdErrors;

/**
 * Reads every key in some key ranges at one etcd revision. It first asks etcd for its
 * current revision with one linearizable request ({@link EtcdRevisionRequest}), then
 * reads every page, of every range, pinned to that revision, so the result is one
 * consistent state even while keys change, and never older than etcd's state when the
 * read began. Page sizes adapt so that a response stays near 1 MiB, well under etcd's
 * limits, whatever the size of the values. One page is asked for ahead, so that reading
 * and using the keys overlap.
 *
 * <p>
 * The pages are serializable: the member that receives one answers from its own copy,
 * without asking the leader to confirm its commit index (a linearizable read costs the
 * leader a read-index round for each request), and etcd's gRPC proxy may answer one from
 * its cache. That is safe because each page names its revision: what a key held at a
 * revision never changes, and a member that has not applied the revision yet answers
 * {@code OUT_OF_RANGE} ("required revision is a future revision", etcd 3.4; etcd's gRPC
 * proxy passes it on as {@code UNKNOWN}) instead of older data. A page that fails so is
 * asked for again, linearizable, which makes the member wait until it has applied the
 * revision; a page that fails as unreachable, denied or too large is not. A revision
 * compacted meanwhile fails the linearizable page too, with the same status, and the read
 * fails as before: the caller reads again.
 */
public final class EtcdConfigReader {

	/** Keys asked for in the first page, unless set otherwise. */
	public static final int DEFAULT_PAGE_SIZE = 500;

	static final int TARGET_PAGE_BYTES = 1024 * 1024;

	private final KV kv;

	private final Duration timeout;

	private final int pageSize;

	/**
	 * Create a reader.
	 * @param kv the client's KV service
	 * @param timeout the deadline of each call
	 * @param pageSize keys asked for in the first page
	 */
	public EtcdConfigReader(KV kv, Duration timeout, int pageSize) {
		this.kv = kv;
		this.timeout = timeout;
		this.pageSize = pageSize;
	}

	/**
	 * Read all keys in the ranges.
	 * @param ranges ranges that do not overlap
	 * @return the keys and the revision they were read at
	 * @throws Exception when a call fails or times out
	 */
	public Result read(List<EtcdKeyRange> ranges) throws Exception {
		List<EtcdKeyEvent> keys = new ArrayList<>();
		long revision = read(ranges, keys::add);
		return new Result(revision, keys);
	}

	/**
	 * Read all keys in the ranges, handing each to a consumer as its page arrives. The
	 * next page is asked for before a page is handed over, so that etcd and the network
	 * work on it while the consumer works on this one.
	 * @param ranges ranges that do not overlap
	 * @param keys receives the keys, in key order per range, on the calling thread
	 * @return the revision the keys were read at
	 * @throws Exception when a call fails or times out
	 */
	public long read(List<EtcdKeyRange> ranges, Consumer<EtcdKeyEvent> keys) throws Exception {
		if (ranges.isEmpty()) {
			return 0;
		}
		long revision = EtcdCalls.get(EtcdRevisionRequest.send(this.kv, ranges.get(0).startKey()), this.timeout)
			.getHeader()
			.getRevision();
		int limit = this.pageSize;
		// Where the pending request reads: a range, and the key to start from.
		int range = 0;
		ByteSequence from = ranges.get(0).startKey();
		boolean serializable = true;
		CompletableFuture<Page> pending = get(from, ranges.get(0).endKey(), limit, revision, serializable);
		while (pending != null) {
			Page page;
			try {
				page = EtcdCalls.get(pending, this.timeout);
			}
			catch (ExecutionException ex) {
				EtcdErrors.Kind kind = EtcdErrors.kind(ex);
				if (serializable && (kind == EtcdErrors.Kind.COMPACTED || kind == EtcdErrors.Kind.OTHER)) {
					// The member has not applied the revision yet (or it was compacted,
					// which the linearizable page reports in turn). etcd's gRPC proxy
					// passes that on as UNKNOWN.
					serializable = false;
				}
				else if (kind == EtcdErrors.Kind.TOO_LARGE && limit > 1) {
					// A page of large values was bigger than the client accepts: ask for
					// fewer keys.
					limit = Math.max(1, limit / 8);
				}
				else {
					throw ex;
				}
				pending = get(from, ranges.get(range).endKey(), limit, revision, serializable);
				continue;
			}
			if (page.more()) {
				limit = nextLimit(limit, page.bytes());
				from = page.next();
			}
			else {
				range++;
				from = (range < ranges.size()) ? ranges.get(range).startKey() : null;
			}
			serializable = true;
			pending = (from != null) ? get(from, ranges.get(range).endKey(), limit, revision, serializable) : null;
			page.keys().forEach(keys);
		}
		return revision;
	}

	private CompletableFuture<Page> get(ByteSequence from, ByteSequence end, int limit, long revision,
			boolean serializable) {
		// No sort option: etcd returns a range in ascending key order already (its own
		// mirror pages the same way),
		// while an explicit sort makes it read and sort every key to the end of the range
		// for each page.
		GetOption option = GetOption.builder()
			.withRange(end)
			.withLimit(limit)
			.withRevision(revision)
			.withSerializable(serializable)
			.build();
		// Converted where the response arrives: on the other core, while the caller uses
		// the previous page.
		return this.kv.get(from, option).thenApply(Page::of);
	}

	static int nextLimit(int limit, long bytes) {
		if (bytes <= 0) {
			return limit;
		}
		long scaled = limit * (long) TARGET_PAGE_BYTES / bytes;
		return (int) Math.max(1, Math.min(scaled, 50_000));
	}

	/**
	 * A page of keys.
	 *
	 * @param keys its keys
	 * @param bytes the bytes of its keys and values
	 * @param more whether the range holds more keys after it
	 * @param next the key to read on from
	 */
	private record Page(List<EtcdKeyEvent> keys, long bytes, boolean more, ByteSequence next) {

		static Page of(GetResponse response) {
			List<KeyValue> kvs = response.getKvs();
			List<EtcdKeyEvent> keys = new ArrayList<>(kvs.size());
			long bytes = 0;
			for (KeyValue kv : kvs) {
				byte[] key = kv.getKey().getBytes();
				byte[] value = kv.getValue().getBytes();
				keys.add(EtcdKeyEvent.put(key, value, kv.getModRevision()));
				bytes += key.length + value.length;
			}
			if (!response.isMore() || keys.isEmpty()) {
				return new Page(keys, bytes, false, null);
			}
			// The smallest key after the last one: the last key with a zero byte
			// appended.
			byte[] last = keys.get(keys.size() - 1).key();
			ByteSequence next = ByteSequence.from(Arrays.copyOf(last, last.length + 1));
			return new Page(keys, bytes, true, next);
		}

	}

	/**
	 * Keys read at one revision.
	 *
	 * @param revision the revision
	 * @param keys the keys, in key order per range
	 */
	public record Result(long revision, List<EtcdKeyEvent> keys) {
	}

}
