package io.github.etcdconfig.ranges;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.github.etcdconfig.client.EtcdClientInternals;
import io.grpc.stub.StreamObserver;

/**
 * Asks etcd for its current revision the cheapest way: a linearizable count of one key,
 * which etcd answers from its index without reading a value (about 1 ms of etcd's CPU
 * where a sorted read of a 10,000-key range costs 26 ms). Linearizable, so the revision
 * is at least etcd's revision of the moment the request was sent, whichever member
 * answers. The revision is the response header's.
 *
 * <p>
 * {@link #applied} asks the member that receives the request for its status instead: its
 * applied revision, which may be behind the cluster's, without a round with the leader.
 * The liveness check uses it; a start-up read, which must not start from an old state,
 * does not.
 */
public final class EtcdRevisionRequest {

	// etcd's revision alone: no value read, no key sent back.
	private static final GetOption REVISION_ONLY = GetOption.builder().withCountOnly(true).build();

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
	 * What asks etcd's revision as the member that receives the request has applied it:
	 * etcd's {@code Maintenance.Status}, sent on the client's own channel. The member
	 * answers from its own state, without a round with the leader; etcd's gRPC proxy
	 * forwards it (it caches range reads only), so a hung etcd behind a proxy answers
	 * nothing. An answer from a member without a leader is a failure: such a member would
	 * answer, with a revision that no longer moves. When jetcd's internals cannot be
	 * reached, the linearizable count ({@link #send}).
	 * @param client the client
	 * @param timeout the gRPC deadline of each request
	 * @return sends the request for a key the user may read (used by the count only) and
	 * returns the revision
	 */
	public static Function<ByteSequence, CompletableFuture<Long>> applied(Client client, Duration timeout) {
		KV kv = client.getKVClient();
		try {
			EtcdClientInternals internals = EtcdClientInternals.of(client);
			return (key) -> status(internals, timeout);
		}
		catch (ReflectiveOperationException ex) {
			return (key) -> send(kv, key).thenApply((response) -> response.getHeader().getRevision());
		}
	}

	private static CompletableFuture<Long> status(EtcdClientInternals internals, Duration timeout) {
		CompletableFuture<Long> revision = new CompletableFuture<>();
		// Answered on a gRPC thread: completing the future only hands the answer on.
		internals.newStub(MaintenanceGrpc::newStub)
			.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
			.status(StatusRequest.getDefaultInstance(), new StreamObserver<>() {

				@Override
				public void onNext(StatusResponse response) {
					if (response.getLeader() == 0) {
						revision.completeExceptionally(
								EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE, "etcd member "
										+ Long.toHexString(response.getHeader().getMemberId()) + " has no leader"));
					}
					else {
						revision.complete(response.getHeader().getRevision());
					}
				}

				@Override
				public void onError(Throwable error) {
					// An expired token: jetcd fetches a new one for the next call.
					internals.renewTokenIfRefused(error.getMessage());
					revision.completeExceptionally(EtcdExceptionFactory.toEtcdException(error));
				}

				@Override
				public void onCompleted() {
				}

			});
		return revision;
	}

	/**
	 * What to ask for the newest change in a range after a revision: keys only, sorted by
	 * modification revision, descending, limit 1, with a minimum modification revision.
	 * etcd reads and sorts every key of the range to answer it. etcd's gRPC proxy answers
	 * a serializable read it has seen before from its cache.
	 * @param range the range
	 * @param revision the revision after which changes count
	 * @param serializable whether the member that receives it answers from its own state
	 * @return the options of the read
	 */
	public static GetOption newestChangeAfter(EtcdKeyRange range, long revision, boolean serializable) {
		return GetOption.builder()
			.withRange(range.endKey())
			.withKeysOnly(true)
			.withLimit(1)
			.withSortField(GetOption.SortTarget.MOD)
			.withSortOrder(GetOption.SortOrder.DESCEND)
			.withMinModRevision(revision + 1)
			.withSerializable(serializable)
			.build();
	}

}
