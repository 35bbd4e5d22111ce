package io.github.etcdconfig.ranges;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

import com.google.common.util.concurrent.MoreExecutors;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.support.Requests;
import io.github.etcdconfig.client.EtcdClientInternals;
import io.grpc.ManagedChannel;
import io.grpc.stub.AbstractStub;
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
 * does not. The liveness check's reads ({@link #reads}) are sent the same way, each with
 * a deadline.
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
		return send(kv::get, key);
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
		return unary(internals, timeout, MaintenanceGrpc::newStub,
				(stub, observer) -> stub.status(StatusRequest.getDefaultInstance(), observer),
				(StatusResponse response) -> {
					if (response.getLeader() == 0) {
						throw EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE, "etcd member "
								+ Long.toHexString(response.getHeader().getMemberId()) + " has no leader");
					}
					return response.getHeader().getRevision();
				});
	}

	/**
	 * What reads keys for the liveness check, each read with a gRPC deadline of the
	 * timeout, sent on the client's own channel: a read that a hung member received ends
	 * at its deadline instead of when the connection is found dead (keep-alive, 40 s by
	 * default), so that the check's next request, which goes to the next member (gRPC's
	 * round-robin sends it there, a client held to one member moves there first), is not
	 * held back by it. jetcd's own reads have no deadline. When jetcd's internals cannot
	 * be reached, jetcd's reads.
	 * @param client the client
	 * @param timeout the gRPC deadline of each read
	 * @return reads a key or range with jetcd's options
	 */
	public static BiFunction<ByteSequence, GetOption, CompletableFuture<GetResponse>> reads(Client client,
			Duration timeout) {
		KV kv = client.getKVClient();
		try {
			EtcdClientInternals internals = EtcdClientInternals.of(client);
			return (key, option) -> unary(
					internals, timeout, KVGrpc::newStub, (stub, observer) -> stub
						.range(Requests.mapRangeRequest(key, option, internals.namespace()), observer),
					(RangeResponse response) -> new GetResponse(response, internals.namespace()));
		}
		catch (ReflectiveOperationException ex) {
			return kv::get;
		}
	}

	// One request on the client's channel with the timeout as its deadline, answered on
	// gRPC's transport thread: a hop through gRPC's default executor would cost every
	// check a thread's wake-up, and completing the future only hands the answer on (the
	// liveness check takes it on its applier thread). An answer the mapping refuses (an
	// EtcdException) is a failure.
	private static <S extends AbstractStub<S>, R, T> CompletableFuture<T> unary(EtcdClientInternals internals,
			Duration timeout, Function<ManagedChannel, S> stub, BiConsumer<S, StreamObserver<R>> call,
			Function<R, T> mapping) {
		CompletableFuture<T> answer = new CompletableFuture<>();
		S onTransport = internals.newStub(stub)
			.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
			.withExecutor(MoreExecutors.directExecutor());
		call.accept(onTransport, new StreamObserver<>() {

			@Override
			public void onNext(R response) {
				try {
					answer.complete(mapping.apply(response));
				}
				catch (EtcdException ex) {
					answer.completeExceptionally(ex);
				}
			}

			@Override
			public void onError(Throwable error) {
				// An expired token: jetcd fetches a new one for the next call.
				internals.renewTokenIfRefused(error.getMessage());
				answer.completeExceptionally(EtcdExceptionFactory.toEtcdException(error));
			}

			@Override
			public void onCompleted() {
			}

		});
		return answer;
	}

	/**
	 * Send the request with reads of {@link #reads}.
	 * @param reads how to read
	 * @param key a key the user may read
	 * @return the response, whose header holds etcd's revision
	 */
	public static CompletableFuture<GetResponse> send(
			BiFunction<ByteSequence, GetOption, CompletableFuture<GetResponse>> reads, ByteSequence key) {
		return reads.apply(key, REVISION_ONLY);
	}

	/**
	 * What to ask for the newest change in a range after a revision: keys only, sorted by
	 * modification revision, descending, limit 1, with a minimum modification revision.
	 * etcd reads and sorts every key of the range to answer it.
	 *
	 * <p>
	 * Read at a given revision, it is serializable: the member that receives it answers
	 * from its own state, without the leader's ReadIndex round, or refuses with a future
	 * revision error when it has not applied that revision yet (or a compacted error). An
	 * answer at a fixed revision never changes, so etcd's gRPC proxy may answer it from
	 * its cache, where it keeps it in its bounded LRU alone: a read at the current
	 * revision, linearizable or not, is also added to the proxy's index of cached ranges,
	 * which only a write through that proxy empties.
	 * @param range the range
	 * @param revision the revision after which changes count
	 * @param at the revision to read at, known to be committed, or 0 for etcd's current
	 * revision, linearizable
	 * @return the options of the read
	 */
	public static GetOption newestChangeAfter(EtcdKeyRange range, long revision, long at) {
		return GetOption.builder()
			.withRange(range.endKey())
			.withKeysOnly(true)
			.withLimit(1)
			.withSortField(GetOption.SortTarget.MOD)
			.withSortOrder(GetOption.SortOrder.DESCEND)
			.withMinModRevision(revision + 1)
			.withRevision(at)
			.withSerializable(at > 0)
			.build();
	}

}
