package io.github.etcdconfig.ranges;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;

/**
 * Asks etcd for its current revision the cheapest way: a linearizable count of one key,
 * which etcd answers from its index without reading a value (about 1 ms of etcd's CPU
 * where a sorted read of a 10,000-key range costs 26 ms). Linearizable, so the revision
 * is at least etcd's revision of the moment the request was sent, whichever member
 * answers. The revision is the response header's.
 *
 * <p>
 * {@link #sendApplied} asks the same without the leader: the member that receives it
 * answers with the revision it has applied, which may be behind the cluster's. The
 * liveness check uses it; a start-up read, which must not start from an old state, does
 * not. Each such request is unique, so that etcd's gRPC proxy forwards it instead of
 * answering from its cache.
 */
public final class EtcdRevisionRequest {

	// etcd's revision alone: no value read, no key sent back.
	private static final GetOption REVISION_ONLY = GetOption.builder().withCountOnly(true).build();

	// The lowest maximum modification revision a serializable request is sent with: far
	// above any revision etcd reaches (2^40, a million writes a second for 35 years).
	private static final long UNIQUE_FLOOR = 1L << 40;

	private EtcdRevisionRequest() {
	}

	/**
	 * Send the request.
	 * @param kv the client's KV service
	 * @param key a key the user may read (a range's start key): etcd checks the
	 * permission even for a count
	 * @return the response, whose header holds etcd's revision
	 */
	public static CompletableFuture<GetResponse> send(KV kv, ByteSequence key) {
		return kv.get(key, REVISION_ONLY);
	}

	/**
	 * Send the request serializable: the answering member's applied revision, without a
	 * round with the leader.
	 * @param kv the client's KV service
	 * @param key a key the user may read (a range's start key)
	 * @return the response, whose header holds the answering member's revision
	 */
	public static CompletableFuture<GetResponse> sendApplied(KV kv, ByteSequence key) {
		// etcd computes a count from its index; the filter applies to returned keys only.
		return kv.get(key,
				GetOption.builder()
					.withCountOnly(true)
					.withSerializable(true)
					.withMaxModRevision(uniqueMaxModRevision())
					.build());
	}

	/**
	 * What to ask for the newest change in a range after a revision: keys only, sorted by
	 * modification revision, descending, limit 1, with a minimum modification revision.
	 * etcd reads and sorts every key of the range to answer it. A serializable read is
	 * made unique, as {@link #sendApplied}: etcd's gRPC proxy would otherwise answer it
	 * from its cache.
	 * @param range the range
	 * @param revision the revision after which changes count
	 * @param serializable whether the member that receives it answers from its own state
	 * @return the options of the read
	 */
	public static GetOption newestChangeAfter(EtcdKeyRange range, long revision, boolean serializable) {
		GetOption.Builder builder = GetOption.builder()
			.withRange(range.endKey())
			.withKeysOnly(true)
			.withLimit(1)
			.withSortField(GetOption.SortTarget.MOD)
			.withSortOrder(GetOption.SortOrder.DESCEND)
			.withMinModRevision(revision + 1)
			.withSerializable(serializable);
		if (serializable) {
			// The minimum modification revision already makes etcd read the whole range
			// before the limit: the maximum costs one comparison per key read.
			builder.withMaxModRevision(uniqueMaxModRevision());
		}
		return builder.build();
	}

	/**
	 * A maximum modification revision no key reaches, different for each request: etcd's
	 * gRPC proxy ({@code etcd grpc-proxy start}) answers a serializable range request
	 * from its cache when it has seen the same request before (the same bytes, from any
	 * client), and drops that answer only when a write or compaction goes through the
	 * proxy itself. A cached answer would carry an old revision while etcd's moves on
	 * (writes sent to the members), and would come at once while etcd hangs. A request
	 * the proxy has never seen is forwarded; etcd's answer is the same with the filter as
	 * without it.
	 * @return a revision of at least 2^40
	 */
	static long uniqueMaxModRevision() {
		return ThreadLocalRandom.current().nextLong(UNIQUE_FLOOR, Long.MAX_VALUE);
	}

}
