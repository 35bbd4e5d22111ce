package io.github.etcdconfig.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.github.etcdconfig.client.EtcdErrors;

/**
 * Reads every key in some key ranges at one etcd revision. The first page fixes the revision and every later page,
 * of every range, is pinned to it, so the result is one consistent state even while keys change. Page sizes adapt
 * so that a response stays near 1 MiB, well under etcd's limits, whatever the size of the values. One page is
 * asked for ahead, so that reading and using the keys overlap.
 */
public final class EtcdConfigReader {

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
	 * Read all keys in the ranges, handing each to a consumer as its page arrives. The next page is asked for
	 * before a page is handed over, so that etcd and the network work on it while the consumer works on this one.
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
		CompletableFuture<GetResponse> pending = (from != null) ? get(from, ranges.get(0).endKey(), limit, 0) : null;
		while (pending != null) {
			GetResponse page;
			try {
				page = await(pending);
			}
			catch (ExecutionException ex) {
				if (EtcdErrors.kind(ex) != EtcdErrors.Kind.TOO_LARGE || limit == 1) {
					throw ex;
				}
				// A page of large values was bigger than the client accepts: ask for fewer keys.
				limit = Math.max(1, limit / 8);
				pending = get(from, ranges.get(range).endKey(), limit, revision);
				continue;
			}
			if (revision == 0) {
				revision = page.getHeader().getRevision();
			}
			List<KeyValue> kvs = page.getKvs();
			if (page.isMore() && !kvs.isEmpty()) {
				limit = nextLimit(limit, bytes(kvs));
				from = after(kvs.get(kvs.size() - 1).getKey());
			}
			else {
				range++;
				from = (range < ranges.size()) ? ranges.get(range).startKey() : null;
			}
			pending = (from != null) ? get(from, ranges.get(range).endKey(), limit, revision) : null;
			for (KeyValue kv : kvs) {
				keys.accept(EtcdKeyEvent.put(kv.getKey().getBytes(), kv.getValue().getBytes(), kv.getModRevision()));
			}
		}
		return revision;
	}

	private static long bytes(List<KeyValue> kvs) {
		long bytes = 0;
		for (KeyValue kv : kvs) {
			bytes += kv.getKey().size() + kv.getValue().size();
		}
		return bytes;
	}

	private static ByteSequence after(ByteSequence key) {
		byte[] last = key.getBytes();
		return ByteSequence.from(Arrays.copyOf(last, last.length + 1));
	}

	private CompletableFuture<GetResponse> get(ByteSequence from, ByteSequence end, int limit, long revision) {
		// No sort option: etcd returns a range in ascending key order already (its own mirror pages the same way),
		// while an explicit sort makes it read and sort every key to the end of the range for each page.
		GetOption.Builder option = GetOption.builder().withRange(end).withLimit(limit);
		if (revision > 0) {
			option.withRevision(revision);
		}
		return this.kv.get(from, option.build());
	}

	private GetResponse await(CompletableFuture<GetResponse> page)
			throws ExecutionException, InterruptedException, TimeoutException {
		return page.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	static int nextLimit(int limit, long bytes) {
		if (bytes <= 0) {
			return limit;
		}
		long scaled = limit * (long) TARGET_PAGE_BYTES / bytes;
		return (int) Math.max(1, Math.min(scaled, 50_000));
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
