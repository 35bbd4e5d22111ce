package io.github.etcdconfig.lease;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.github.etcdconfig.client.EtcdClientInternals;
import io.github.etcdconfig.client.EtcdMemberChoice;
import io.github.etcdconfig.client.EtcdPerClient;
import io.github.etcdconfig.client.EtcdStreamCall;
import io.grpc.stub.StreamObserver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The heartbeats of every lease of one jetcd client on one gRPC {@code LeaseKeepAlive}
 * stream, each heartbeat still a request with a deadline of its own.
 *
 * <p>
 * jetcd 0.8's {@code keepAliveOnce} opens a new bidirectional stream for every heartbeat
 * and ends it after the answer: with etcd-discovery's default 10 s TTL that is a stream
 * opened and closed every 3.3 s per lease, most of an idle registered application's own
 * CPU (docs/scale.md). etcd's protocol lets one stream carry the heartbeats of any number
 * of leases: each request names its lease, and etcd answers each in order with the
 * lease's remaining TTL (0 when it no longer knows the lease). This sends them on
 * jetcd-grpc's plain stub on jetcd's own channel ({@link EtcdClientInternals}: the auth
 * token's credentials, and the require-leader header jetcd's keep-alive sends).
 *
 * <p>
 * jetcd's own {@code keepAlive(id, observer)} also shares one stream per client, but it
 * is not used: it sends on a timer of jetcd's every 500 ms and checks deadlines every
 * second (three wake-ups a second of an otherwise idle application), chooses the interval
 * itself (a third of the TTL etcd answered), and has no deadline per heartbeat: a stream
 * that hangs without an error (etcd frozen, a connection silently dropped) keeps the
 * lease's holder believing nothing until jetcd's own deadline, which it then only reports
 * as the end of the stream.
 * <ul>
 * <li>A heartbeat not answered within its deadline fails with
 * {@link ErrorCode#DEADLINE_EXCEEDED}, exactly as the call of its own did, and ends the
 * stream (its call cancelled): a stream that leaves one heartbeat unanswered is not
 * trusted with the next. Heartbeats still waiting on it fail as well; the next heartbeat
 * opens a new stream.</li>
 * <li>When the stream fails or etcd ends it, or the client moves to another member
 * ({@link EtcdMemberChoice#whenMoved(Runnable)}), every heartbeat waiting on it fails
 * with the stream's error, and the next heartbeat opens a new stream.</li>
 * <li>etcd answers the requests of a stream in order, so an answer belongs to the oldest
 * heartbeat of its lease still waiting.</li>
 * <li>The stream is ended once no heartbeat waits on it and no lease of the client is
 * open ({@link #open()}, {@link #close()}), so a client whose leases are gone holds
 * none.</li>
 * <li>The returned futures are completed on gRPC's threads or on the timer of
 * {@link CompletableFuture#orTimeout}; the caller hands them off, as {@link EtcdLease}
 * does to its scheduler.</li>
 * </ul>
 * When jetcd's internals cannot be reached, each heartbeat is jetcd's
 * {@code keepAliveOnce}, a stream of its own (logged once at DEBUG). Thread-safe.
 */
final class EtcdLeaseStream {

	private static final Log logger = LogFactory.getLog(EtcdLeaseStream.class);

	// The value holds jetcd's connection manager (and, without it, the client's lease
	// client), never the client itself.
	private static final EtcdPerClient<EtcdLeaseStream> streams = EtcdPerClient.ofInternals(EtcdLeaseStream::create,
			logger, "each heartbeat of a lease opens its own stream, as jetcd's keepAliveOnce does");

	private final @Nullable EtcdClientInternals internals;

	private final io.etcd.jetcd.Lease fallback;

	private final Object lock = new Object();

	private @Nullable Stream stream;

	private int open;

	private EtcdLeaseStream(@Nullable EtcdClientInternals internals, io.etcd.jetcd.Lease fallback) {
		this.internals = internals;
		this.fallback = fallback;
	}

	private static EtcdLeaseStream create(Client client, @Nullable EtcdClientInternals internals) {
		EtcdLeaseStream stream = new EtcdLeaseStream(internals, client.getLeaseClient());
		EtcdMemberChoice.of(client).whenMoved(stream::moved);
		return stream;
	}

	// The client moved to another member (etcd.load-balancing=one-member), and the stream
	// would stay on the member left: it ends as a failed one does, and the next heartbeat
	// opens one on the next member.
	private void moved() {
		Stream moving;
		synchronized (this.lock) {
			moving = this.stream;
		}
		if (moving != null) {
			moving.fail(EtcdMemberChoice.movedAway());
		}
	}

	/**
	 * The heartbeat stream of a client that all its leases share.
	 * @param client the client
	 * @return its stream
	 */
	static EtcdLeaseStream of(Client client) {
		return streams.get(client);
	}

	/**
	 * A lease of the client is open: the stream may stay while it lives.
	 */
	void open() {
		synchronized (this.lock) {
			this.open++;
		}
	}

	/**
	 * A lease of the client was revoked or lost: the stream ends once no lease is open
	 * and no heartbeat waits.
	 */
	void close() {
		synchronized (this.lock) {
			this.open = Math.max(0, this.open - 1);
			if (this.stream != null) {
				this.stream.endIfIdle();
			}
		}
	}

	/**
	 * Send one heartbeat of a lease.
	 * @param id the lease
	 * @param timeout the heartbeat's deadline
	 * @return etcd's answer; fails with a {@code NOT_FOUND} error when etcd no longer
	 * knows the lease, as jetcd's {@code keepAliveOnce} does, and with
	 * {@code DEADLINE_EXCEEDED} when etcd did not answer in time
	 */
	CompletableFuture<LeaseKeepAliveResponse> keepAliveOnce(long id, Duration timeout) {
		EtcdClientInternals internals = this.internals;
		if (internals == null) {
			return this.fallback.keepAliveOnce(id).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		CompletableFuture<LeaseKeepAliveResponse> answer = new CompletableFuture<>();
		Stream stream;
		List<CompletableFuture<LeaseKeepAliveResponse>> failed = List.of();
		RuntimeException failure = null;
		synchronized (this.lock) {
			stream = this.stream;
			if (stream == null) {
				stream = new Stream(internals);
				this.stream = stream;
			}
			try {
				stream.send(id, answer);
			}
			catch (RuntimeException ex) {
				// gRPC refused the call or its request (or jetcd's internals the stub):
				// the heartbeats on it fail, and the next one tries a new stream.
				failure = ex;
				failed = stream.end();
			}
		}
		if (failure != null) {
			for (CompletableFuture<LeaseKeepAliveResponse> waiting : failed) {
				waiting.completeExceptionally(failure);
			}
			answer.completeExceptionally(failure);
			return answer;
		}
		Stream sentOn = stream;
		answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((response, error) -> {
			if (error instanceof TimeoutException) {
				sentOn.timedOut();
			}
		});
		return answer;
	}

	/**
	 * One gRPC {@code LeaseKeepAlive} stream and the heartbeats waiting on it. Guarded by
	 * the lock.
	 */
	private final class Stream implements StreamObserver<io.etcd.jetcd.api.LeaseKeepAliveResponse> {

		private final Map<Long, Deque<CompletableFuture<LeaseKeepAliveResponse>>> waiting = new HashMap<>();

		private final EtcdStreamCall<LeaseKeepAliveRequest> call;

		Stream(EtcdClientInternals internals) {
			this.call = EtcdStreamCall.of(internals, LeaseGrpc::newStub, LeaseGrpc.LeaseStub::leaseKeepAlive, this);
		}

		/**
		 * Send a heartbeat, opening the gRPC call first when this is the stream's first.
		 * gRPC may report a failure of the call at once, on this thread: the heartbeat
		 * then failed already.
		 */
		void send(long id, CompletableFuture<LeaseKeepAliveResponse> answer) {
			if (!this.call.open()) {
				answer.completeExceptionally(
						EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE, "the lease stream just failed"));
				return;
			}
			this.waiting.computeIfAbsent(id, (key) -> new ArrayDeque<>()).add(answer);
			this.call.send(LeaseKeepAliveRequest.newBuilder().setID(id).build());
		}

		@Override
		public void onNext(io.etcd.jetcd.api.LeaseKeepAliveResponse response) {
			CompletableFuture<LeaseKeepAliveResponse> answer;
			synchronized (EtcdLeaseStream.this.lock) {
				if (this.call.isEnded()) {
					return;
				}
				Deque<CompletableFuture<LeaseKeepAliveResponse>> queue = this.waiting.get(response.getID());
				answer = (queue != null) ? queue.poll() : null;
				if (queue != null && queue.isEmpty()) {
					this.waiting.remove(response.getID());
				}
				endIfIdle();
			}
			if (answer == null) {
				logger.debug("etcd answered a heartbeat no one waits for on the lease stream; ignored");
			}
			else if (response.getTTL() > 0) {
				answer.complete(new LeaseKeepAliveResponse(response));
			}
			else {
				answer.completeExceptionally(EtcdExceptionFactory.newEtcdException(ErrorCode.NOT_FOUND,
						"etcdserver: requested lease not found"));
			}
		}

		@Override
		public void onError(Throwable error) {
			EtcdLeaseStream.this.internals.renewTokenIfRefused(error.getMessage());
			fail(EtcdExceptionFactory.toEtcdException(error));
		}

		@Override
		public void onCompleted() {
			fail(EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE, "etcd ended the lease stream"));
		}

		void timedOut() {
			fail(EtcdExceptionFactory.newEtcdException(ErrorCode.DEADLINE_EXCEEDED,
					"a heartbeat on the lease stream was not answered in time"));
		}

		private void fail(Throwable error) {
			List<CompletableFuture<LeaseKeepAliveResponse>> failed;
			synchronized (EtcdLeaseStream.this.lock) {
				failed = end();
			}
			failed.forEach((answer) -> answer.completeExceptionally(error));
		}

		/**
		 * Drop this stream, and cancel its call if it is still open: etcd keeps a stream
		 * whose client only half-closed it. The next heartbeat opens a new one.
		 * @return the heartbeats that were waiting on it
		 */
		List<CompletableFuture<LeaseKeepAliveResponse>> end() {
			List<CompletableFuture<LeaseKeepAliveResponse>> waiting = new ArrayList<>();
			// Its own onError then finds the stream ended.
			if (this.call.end("no lease left on the stream, or a heartbeat was not answered in time")) {
				if (EtcdLeaseStream.this.stream == this) {
					EtcdLeaseStream.this.stream = null;
				}
				this.waiting.values().forEach(waiting::addAll);
				this.waiting.clear();
			}
			return waiting;
		}

		void endIfIdle() {
			if (!this.call.isEnded() && this.waiting.isEmpty() && EtcdLeaseStream.this.open == 0) {
				end();
			}
		}

	}

}
