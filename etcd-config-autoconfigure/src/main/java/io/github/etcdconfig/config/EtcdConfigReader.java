package io.github.etcdconfig.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.github.etcdconfig.client.EtcdErrors;

/**
 * Reads every key in some key ranges at one etcd revision. The first page fixes the revision and every later page,
 * of every range, is pinned to it, so the result is one consistent state even while keys change. Page sizes adapt
 * so that a response stays near 1 MiB, well under etcd's limits, whatever the size of the values.
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
		long revision = 0;
		int limit = this.pageSize;
		List<EtcdKeyEvent> keys = new ArrayList<>();
		for (EtcdKeyRange range : ranges) {
			ByteSequence end = range.endKey();
			ByteSequence from = range.startKey();
			while (true) {
				GetResponse page;
				try {
					page = get(from, end, limit, revision);
				}
				catch (ExecutionException ex) {
					if (EtcdErrors.kind(ex) != EtcdErrors.Kind.TOO_LARGE || limit == 1) {
						throw ex;
					}
					// A page of large values was bigger than the client accepts: ask for fewer keys.
					limit = Math.max(1, limit / 8);
					continue;
				}
				if (revision == 0) {
					revision = page.getHeader().getRevision();
				}
				long bytes = 0;
				for (KeyValue kv : page.getKvs()) {
					keys.add(EtcdKeyEvent.put(kv.getKey().getBytes(), kv.getValue().getBytes(), kv.getModRevision()));
					bytes += kv.getKey().size() + kv.getValue().size();
				}
				if (!page.isMore() || page.getKvs().isEmpty()) {
					break;
				}
				limit = nextLimit(limit, bytes);
				byte[] last = page.getKvs().get(page.getKvs().size() - 1).getKey().getBytes();
				byte[] next = new byte[last.length + 1];
				System.arraycopy(last, 0, next, 0, last.length);
				from = ByteSequence.from(next);
			}
		}
		return new Result(revision, keys);
	}

	private GetResponse get(ByteSequence from, ByteSequence end, int limit, long revision)
			throws ExecutionException, InterruptedException, TimeoutException {
		// No sort option: etcd returns a range in ascending key order already (its own mirror pages the same way),
		// while an explicit sort makes it read and sort every key to the end of the range for each page.
		GetOption.Builder option = GetOption.builder().withRange(end).withLimit(limit);
		if (revision > 0) {
			option.withRevision(revision);
		}
		return this.kv.get(from, option.build()).get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
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
