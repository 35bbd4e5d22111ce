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
 * Reads every key in some key ranges at one etcd revision. The first page fixes the
 * revision and every later page, of every range, is pinned to it, so the result is one
 * consistent state even while keys change. Page sizes adapt so that a response stays near
 * 1 MiB, well under etcd's limits, whatever the size of the values. One page is asked for
 * ahead, so that reading and using the keys overlap.
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
		long revision = 0;
		int limit = this.pageSize;
		// Where the pending request reads: a range, and the key to start from.
		int range = 0;
		ByteSequence from = ranges.isEmpty() ? null : ranges.get(0).startKey();
		CompletableFuture<Page> pending = (from != null) ? get(from, ranges.get(0).endKey(), limit, 0) : null;
		while (pending != null) {
			Page page;
			try {
				page = EtcdCalls.get(pending, this.timeout);
			}
			catch (ExecutionException ex) {
				if (EtcdErrors.kind(ex) != EtcdErrors.Kind.TOO_LARGE || limit == 1) {
					throw ex;
				}
				// A page of large values was bigger than the client accepts: ask for
				// fewer keys.
				limit = Math.max(1, limit / 8);
				pending = get(from, ranges.get(range).endKey(), limit, revision);
				continue;
			}
			if (revision == 0) {
				revision = page.revision();
			}
			if (page.more()) {
				limit = nextLimit(limit, page.bytes());
				from = page.next();
			}
			else {
				range++;
				from = (range < ranges.size()) ? ranges.get(range).startKey() : null;
			}
			pending = (from != null) ? get(from, ranges.get(range).endKey(), limit, revision) : null;
			page.keys().forEach(keys);
		}
		return revision;
	}

	private CompletableFuture<Page> get(ByteSequence from, ByteSequence end, int limit, long revision) {
		// No sort option: etcd returns a range in ascending key order already (its own
		// mirror pages the same way),
		// while an explicit sort makes it read and sort every key to the end of the range
		// for each page.
		GetOption.Builder option = GetOption.builder().withRange(end).withLimit(limit);
		if (revision > 0) {
			option.withRevision(revision);
		}
		// Converted where the response arrives: on the other core, while the caller uses
		// the previous page.
		return this.kv.get(from, option.build()).thenApply(Page::of);
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
	 * @param revision the revision it was read at
	 * @param keys its keys
	 * @param bytes the bytes of its keys and values
	 * @param more whether the range holds more keys after it
	 * @param next the key to read on from
	 */
	private record Page(long revision, List<EtcdKeyEvent> keys, long bytes, boolean more, ByteSequence next) {

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
				return new Page(response.getHeader().getRevision(), keys, bytes, false, null);
			}
			// The smallest key after the last one: the last key with a zero byte
			// appended.
			byte[] last = keys.get(keys.size() - 1).key();
			ByteSequence next = ByteSequence.from(Arrays.copyOf(last, last.length + 1));
			return new Page(response.getHeader().getRevision(), keys, bytes, true, next);
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
