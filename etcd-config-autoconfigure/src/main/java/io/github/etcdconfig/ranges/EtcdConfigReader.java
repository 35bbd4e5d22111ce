package io.github.etcdconfig.ranges;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.github.etcdconfig.client.EtcdErrors;
import io.github.etcdconfig.client.EtcdMemberChoice;

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

	static final int MAX_PAGE_KEYS = 50_000;

	private final KV kv;

	private final Duration timeout;

	private final int pageSize;

	private final EtcdMemberChoice member;

	/**
	 * Create a reader.
	 * @param kv the client's KV service
	 * @param timeout the deadline of each call
	 * @param pageSize keys asked for in the first page
	 */
	public EtcdConfigReader(KV kv, Duration timeout, int pageSize) {
		this(kv, timeout, pageSize, EtcdMemberChoice.roundRobin());
	}

	/**
	 * Create a reader that tells a client held to one member when that member does not
	 * answer two calls in a row in time, so that the next attempt goes to the next
	 * member.
	 * @param kv the client's KV service
	 * @param timeout the deadline of each call
	 * @param pageSize keys asked for in the first page
	 * @param member the member the client talks to
	 */
	public EtcdConfigReader(KV kv, Duration timeout, int pageSize, EtcdMemberChoice member) {
		this.kv = kv;
		this.timeout = timeout;
		this.pageSize = pageSize;
		this.member = member;
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
		return read(ranges, keys, new Progress());
	}

	/**
	 * Read all keys in the ranges from where an earlier attempt of the same read stopped,
	 * handing each to a consumer as its page arrives, as {@link #read(List, Consumer)}
	 * does. The consumer has received exactly the keys of the pages before
	 * {@code progress}, so an attempt that fails leaves it with whole pages, all of one
	 * revision, and the next attempt asks for the page that failed, at that revision: a
	 * read that fails on its last page does not read the others again. A page that does
	 * not answer in time is asked for again with a quarter of its keys and twice the
	 * deadline (at most 4 times the reader's), and the pages after it grow back by at
	 * most twice the keys of the page before, as they answer, so that a read slowed down
	 * by a busy client or etcd still moves on, and the work of each attempt is not thrown
	 * away. When the revision was compacted meanwhile, the progress starts over
	 * ({@link Progress#isStarted()} is false again) and the read fails: the caller drops
	 * what it received and reads again.
	 * @param ranges ranges that do not overlap; the same ones on every attempt
	 * @param keys receives the keys, in key order per range, on the calling thread
	 * @param progress where the read stands; new for a new read
	 * @return the revision the keys were read at
	 * @throws Exception when a call fails or times out
	 */
	public long read(List<EtcdKeyRange> ranges, Consumer<EtcdKeyEvent> keys, Progress progress) throws Exception {
		if (ranges.isEmpty()) {
			return 0;
		}
		if (!progress.isStarted()) {
			int sentTo = this.member.current();
			long revision = call(EtcdRevisionRequest.send(this.kv, ranges.get(0).startKey()), sentTo, progress)
				.getHeader()
				.getRevision();
			progress.start(revision, ranges.get(0).startKey(), this.pageSize);
			progress.answered();
		}
		boolean serializable = true;
		int sentTo = this.member.current();
		CompletableFuture<Page> pending = get(progress, ranges, serializable);
		while (pending != null) {
			Page page;
			try {
				page = call(pending, sentTo, progress);
			}
			catch (ExecutionException ex) {
				EtcdErrors.Kind kind = EtcdErrors.kind(ex);
				if (serializable && EtcdErrors.isRevisionRefused(ex)) {
					// The linearizable page waits until the member has applied the
					// revision; a compacted one, it reports in turn.
					serializable = false;
				}
				else if (kind == EtcdErrors.Kind.TOO_LARGE && progress.limit > 1) {
					// A page of large values was bigger than the client accepts: ask for
					// fewer keys.
					progress.limit = Math.max(1, progress.limit / 8);
				}
				else {
					if (kind == EtcdErrors.Kind.COMPACTED) {
						// The keys handed over are of a revision that can no longer be
						// completed.
						progress.restart();
					}
					throw ex;
				}
				sentTo = this.member.current();
				pending = get(progress, ranges, serializable);
				continue;
			}
			progress.answered();
			int range = progress.range;
			ByteSequence from = page.next();
			if (!page.more()) {
				range++;
				from = (range < ranges.size()) ? ranges.get(range).startKey() : null;
			}
			progress.pageAnswered(page);
			serializable = true;
			// The progress moves on only once the keys are handed over: a next page that
			// fails at once (a client that is closing) leaves it at this page, which the
			// next attempt reads again instead of losing it.
			sentTo = this.member.current();
			pending = (from != null)
					? get(from, ranges.get(range).endKey(), progress.limit, progress.revision, serializable) : null;
			page.keys().forEach(keys);
			progress.range = range;
			progress.from = from;
		}
		return progress.revision;
	}

	// Waits for a call with the deadline the progress allows; a call that does not
	// answer in time makes the next one smaller and more patient. A client held to one
	// member moves to the next after two in a row: a member busy with a storm of starts
	// misses one too, and moving every client that waited once (a new connection each)
	// made 8 of 300 started at once give up where none did without it (docs/scale.md).
	private <T> T call(CompletableFuture<T> call, int sentTo, Progress progress) throws Exception {
		Duration patience = EtcdCalls.patient(this.timeout, progress.timeouts);
		try {
			return EtcdCalls.get(call, patience);
		}
		catch (TimeoutException ex) {
			progress.timedOut();
			if (progress.timeouts > 1) {
				this.member.leave(sentTo,
						"did not answer two reads in a row, the last within " + patience.toMillis() + " ms");
			}
			throw ex;
		}
	}

	private CompletableFuture<Page> get(Progress progress, List<EtcdKeyRange> ranges, boolean serializable) {
		return (progress.from != null) ? get(progress.from, ranges.get(progress.range).endKey(), progress.limit,
				progress.revision, serializable) : null;
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
		return (int) Math.max(1, Math.min(scaled, MAX_PAGE_KEYS));
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
	 * Where a read stands, kept across its attempts: the revision it reads at, the next
	 * page, and how patient the next call is. Confined to the reading thread.
	 */
	public static final class Progress {

		private long revision;

		private int range;

		private ByteSequence from;

		private int limit;

		private long answers;

		// Calls that timed out since etcd last answered.
		private long timeouts;

		// The most keys a page may ask for: after a timeout, the quarter asked again, so
		// that a member too slow for a full page is not asked for one again at once; it
		// doubles with each page answered, so that a read slowed down once is not left
		// with pages of a few keys (300 instances started at once, whose pages stayed
		// small, took 276 s for the last of them).
		private int ceiling = MAX_PAGE_KEYS;

		/**
		 * Whether etcd's revision was read, so that an attempt goes on at it.
		 * @return whether the read started
		 */
		public boolean isStarted() {
			return this.revision > 0;
		}

		/**
		 * Calls etcd answered so far (its revision, then the pages), over every attempt:
		 * what tells a slow read that moves on from one that does not.
		 * @return the answers
		 */
		public long getAnswers() {
			return this.answers;
		}

		void start(long revision, ByteSequence from, int limit) {
			this.revision = revision;
			this.range = 0;
			this.from = from;
			this.limit = Math.min(limit, this.ceiling);
		}

		void restart() {
			this.revision = 0;
			this.from = null;
		}

		void answered() {
			this.answers++;
			this.timeouts = 0;
		}

		// A page answered: the next asks for what fills a page of the target size,
		// within the ceiling, which doubles.
		void pageAnswered(Page page) {
			this.ceiling = (int) Math.min(MAX_PAGE_KEYS, 2L * this.ceiling);
			if (page.more()) {
				this.limit = Math.min(this.ceiling, EtcdConfigReader.nextLimit(this.limit, page.bytes()));
			}
		}

		void timedOut() {
			this.limit = Math.max(1, this.limit / 4);
			this.ceiling = Math.min(this.ceiling, this.limit);
			this.timeouts++;
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
