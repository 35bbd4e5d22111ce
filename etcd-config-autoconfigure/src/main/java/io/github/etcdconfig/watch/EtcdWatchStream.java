package io.github.etcdconfig.watch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import com.google.common.util.concurrent.MoreExecutors;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchProgressRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.etcd.jetcd.options.OptionsUtil;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.Util;
import io.github.etcdconfig.client.EtcdClientInternals;
import io.github.etcdconfig.client.EtcdMemberChoice;
import io.github.etcdconfig.client.EtcdPerClient;
import io.github.etcdconfig.client.EtcdStreamCall;
import io.grpc.stub.StreamObserver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Every watch of one jetcd client on one gRPC watch stream: etcd holds one stream per
 * application instead of one per watched range (each costs etcd about 100 KB, as measured
 * in docs/scale.md).
 *
 * <p>
 * jetcd 0.8 opens a stream per {@code watch()}; etcd's protocol lets one bidirectional
 * stream carry many watches, each made by a create request and named by the watch id of
 * its created response. This is jetcd's {@link Watch} on such a stream, through
 * jetcd-grpc's plain stubs on jetcd's own channel ({@link EtcdClientInternals}), with
 * what jetcd's watch adds: its namespace, its auth token, and etcd's require-leader
 * header.
 * <ul>
 * <li>etcd answers create requests in the order it receives them, so a created response
 * belongs to the oldest create still waiting for one.</li>
 * <li>A watch etcd cancels ends with {@code onError}, then {@code onCompleted}, as in
 * jetcd: a {@code CompactedException} with the compacted revision when the history it
 * needs is gone.</li>
 * <li>When the stream fails or etcd ends it, or the client moves to another member
 * ({@link EtcdMemberChoice#whenMoved(Runnable)}), every watch on it ends ({@code onError}
 * then {@code onCompleted}, or {@code onCompleted}), the stream is dropped, and the next
 * watch opens a new one. Unlike jetcd's, a watch is never resumed here: its owner watches
 * again from what it received, which {@link EtcdWatchSession} does anyway.</li>
 * <li>A stream whose last watch closed is ended (its call cancelled: etcd keeps a stream
 * the client only half-closed), so that an idle client holds none.</li>
 * <li>etcd checks the auth token a stream opened with. When it refuses a watch for
 * permission, the token is renewed and later watches go to a new stream; the watches on
 * the old one stay there until they close.</li>
 * <li>Listeners are called on the gRPC transport's thread (its Netty event loop), outside
 * the stream's lock; they must not block but hand off, as the session's do. When gRPC
 * fails the stream as it opens, on the thread that asked for a watch, the listeners are
 * told on another thread. A listener that throws is logged; the others are still
 * told.</li>
 * </ul>
 *
 * <p>
 * Only watches that require a leader share the stream, since the header is the stream's;
 * others, and every watch when jetcd's internals cannot be reached, go to jetcd's own
 * watch. Thread-safe.
 */
public final class EtcdWatchStream implements Watch {

	private static final Log logger = LogFactory.getLog(EtcdWatchStream.class);

	// The value holds jetcd's connection manager, never the client, so a client no one
	// holds can go.
	private static final EtcdPerClient<Watch> streams = EtcdPerClient.ofInternals(EtcdWatchStream::create, logger,
			"each watch opens its own stream, as jetcd does");

	private final EtcdClientInternals internals;

	private final Watch fallback;

	private final Object lock = new Object();

	private Stream stream;

	private EtcdWatchStream(EtcdClientInternals internals, Watch fallback) {
		this.internals = internals;
		this.fallback = fallback;
	}

	/**
	 * The watch of a client that all its watchers share: one stream, or jetcd's own watch
	 * when jetcd's internals cannot be reached. Short-lived watches (a lock's wait) use
	 * it too, so that they open no stream of their own while the client's watchers hold
	 * one. Close the watchers it returns, never the watch itself: that would end every
	 * watch of the client on it. Unlike jetcd's, its listeners are called on the
	 * connection's event loop: they must not block (waiting there for another call of the
	 * client would wait for ever), but hand off.
	 * @param client the client
	 * @return its watch
	 */
	public static Watch of(Client client) {
		return streams.get(client);
	}

	private static Watch create(Client client, @Nullable EtcdClientInternals internals) {
		if (internals == null) {
			return client.getWatchClient();
		}
		EtcdWatchStream watch = new EtcdWatchStream(internals, client.getWatchClient());
		EtcdMemberChoice.of(client).whenMoved(watch::moved);
		return watch;
	}

	// The client moved to another member (etcd.load-balancing=one-member), and the stream
	// would stay on the member left: it ends as a failed one does, and the watches'
	// owners watch again from what they received, on the next member.
	private void moved() {
		List<Watching> ended;
		synchronized (this.lock) {
			if (this.stream == null) {
				return;
			}
			ended = this.stream.end();
		}
		fail(ended, EtcdMemberChoice.movedAway());
	}

	private void fail(List<Watching> ended, Throwable failure) {
		List<Runnable> calls = new ArrayList<>();
		ended.forEach((watching) -> watching.failed(failure, calls));
		tell(calls);
	}

	private static List<Runnable> completions(List<Watching> ended) {
		return ended.stream().<Runnable>map((watching) -> watching.listener::onCompleted).toList();
	}

	/**
	 * Call listeners, in order, each on its own: one that throws does not keep the others
	 * from being told. gRPC fails a stream that cannot open at once, on the thread that
	 * opens it, which holds the lock: the listeners are then told on another thread, so
	 * that none is called inside the lock.
	 */
	private void tell(List<Runnable> calls) {
		if (calls.isEmpty()) {
			return;
		}
		if (Thread.holdsLock(this.lock)) {
			CompletableFuture.runAsync(() -> tell(calls));
			return;
		}
		for (Runnable call : calls) {
			try {
				call.run();
			}
			catch (RuntimeException ex) {
				logger.warn("A listener of a watch failed", ex);
			}
		}
	}

	@Override
	public Watcher watch(ByteSequence key, WatchOption option, Listener listener) {
		if (!option.withRequireLeader()) {
			return this.fallback.watch(key, option, listener);
		}
		ByteSequence namespace = this.internals.namespace();
		WatchCreateRequest.Builder create = WatchCreateRequest.newBuilder()
			.setKey(Util.prefixNamespace(key, namespace))
			.setStartRevision(option.getRevision())
			.setPrevKv(option.isPrevKV())
			.setProgressNotify(option.isProgressNotify());
		option.getEndKey()
			.or(() -> option.isPrefix() ? Optional.of(OptionsUtil.prefixEndOf(key)) : Optional.empty())
			.ifPresent((end) -> create.setRangeEnd(Util.prefixNamespaceToRangeEnd(end, namespace)));
		if (option.isNoPut()) {
			create.addFilters(WatchCreateRequest.FilterType.NOPUT);
		}
		if (option.isNoDelete()) {
			create.addFilters(WatchCreateRequest.FilterType.NODELETE);
		}
		Watching watching = new Watching(listener, option.isCreatedNotify());
		synchronized (this.lock) {
			Stream stream = this.stream;
			if (stream == null) {
				stream = new Stream();
				this.stream = stream;
			}
			watching.stream = stream;
			stream.pending.add(watching);
			stream.send(WatchRequest.newBuilder().setCreateRequest(create).build());
		}
		return watching;
	}

	@Override
	public void requestProgress() {
		synchronized (this.lock) {
			if (this.stream != null) {
				this.stream.send(WatchRequest.newBuilder()
					.setProgressRequest(WatchProgressRequest.getDefaultInstance())
					.build());
			}
		}
		this.fallback.requestProgress();
	}

	@Override
	public void close() {
		List<Watching> ended;
		synchronized (this.lock) {
			Stream stream = this.stream;
			if (stream == null) {
				return;
			}
			ended = stream.end();
		}
		tell(completions(ended));
	}

	/**
	 * One gRPC watch stream and the watches on it. Guarded by the lock.
	 */
	private final class Stream implements StreamObserver<WatchResponse> {

		private final Deque<Watching> pending = new ArrayDeque<>();

		private final Map<Long, Watching> watching = new HashMap<>();

		// Called back on the transport's thread: this observer only takes the lock for a
		// moment and its listeners hand off, so a hop through gRPC's default executor
		// would add a thread's wake-up to every change of every instance.
		private final EtcdStreamCall<WatchRequest> call = EtcdStreamCall.of(EtcdWatchStream.this.internals,
				(channel) -> WatchGrpc.newStub(channel).withExecutor(MoreExecutors.directExecutor()),
				WatchGrpc.WatchStub::watch, this);

		/**
		 * Send a request, opening the gRPC call first when this is the stream's first.
		 * gRPC may report a failure of the call at once, on this thread: the stream then
		 * ended already, and the request is dropped.
		 * @param request the request
		 */
		void send(WatchRequest request) {
			this.call.send(request);
		}

		@Override
		public void onNext(WatchResponse response) {
			List<Runnable> calls = new ArrayList<>(1);
			synchronized (EtcdWatchStream.this.lock) {
				if (this.call.isEnded()) {
					return;
				}
				if (response.getCreated()) {
					created(response, calls);
				}
				else if (response.getCanceled()) {
					Watching watching = this.watching.remove(response.getWatchId());
					if (watching != null && !watching.closed) {
						watching.closed = true;
						watching.failed(cancelled(response), calls);
					}
					endIfIdle();
				}
				else {
					io.etcd.jetcd.watch.WatchResponse delivered = new io.etcd.jetcd.watch.WatchResponse(response,
							EtcdWatchStream.this.internals.namespace());
					// A progress notification asked for on the stream is for all its
					// watches.
					for (Watching watching : (response.getWatchId() == -1) ? this.watching.values()
							: listOf(this.watching.get(response.getWatchId()))) {
						if (!watching.closed) {
							calls.add(() -> watching.listener.onNext(delivered));
						}
					}
				}
			}
			tell(calls);
		}

		private void created(WatchResponse response, List<Runnable> calls) {
			Watching watching = this.pending.poll();
			if (watching == null) {
				logger.debug("etcd confirmed a watch no one asked for on the stream; ignored");
				return;
			}
			if (response.getCanceled() || response.getWatchId() == -1) {
				String reason = response.getCancelReason();
				Throwable error = EtcdExceptionFactory.newEtcdException(ErrorCode.FAILED_PRECONDITION,
						reason.isEmpty() ? "etcd did not create the watch" : reason);
				if (EtcdWatchStream.this.internals.renewTokenIfRefused(reason)) {
					// Maybe an expired token. etcd checks the token the stream
					// opened with, so the next watch goes to a new stream, with a
					// new token; the watches here stay until they close.
					retire();
				}
				if (!watching.closed) {
					watching.closed = true;
					watching.failed(error, calls);
				}
				endIfIdle();
				return;
			}
			watching.id = response.getWatchId();
			if (watching.closed) {
				// Closed while etcd created it.
				cancel(watching.id);
				endIfIdle();
				return;
			}
			this.watching.put(watching.id, watching);
			if (watching.createdNotify) {
				io.etcd.jetcd.watch.WatchResponse created = new io.etcd.jetcd.watch.WatchResponse(response);
				calls.add(() -> watching.listener.onNext(created));
			}
		}

		private static Throwable cancelled(WatchResponse response) {
			if (response.getCompactRevision() != 0) {
				return EtcdExceptionFactory.newCompactedException(response.getCompactRevision());
			}
			String reason = response.getCancelReason();
			return reason.isEmpty()
					? EtcdExceptionFactory.newEtcdException(ErrorCode.OUT_OF_RANGE,
							"etcdserver: mvcc: required revision is a future revision")
					: EtcdExceptionFactory.newEtcdException(ErrorCode.FAILED_PRECONDITION, reason);
		}

		@Override
		public void onError(Throwable error) {
			List<Watching> ended;
			synchronized (EtcdWatchStream.this.lock) {
				ended = end();
			}
			EtcdWatchStream.this.internals.renewTokenIfRefused(error.getMessage());
			EtcdWatchStream.this.fail(ended, EtcdExceptionFactory.toEtcdException(error));
		}

		@Override
		public void onCompleted() {
			List<Watching> ended;
			synchronized (EtcdWatchStream.this.lock) {
				ended = end();
			}
			tell(completions(ended));
		}

		void cancel(long id) {
			send(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(id)).build());
		}

		/**
		 * Drop this stream, and cancel its call if it is still open: etcd keeps a stream
		 * whose client only half-closed it. The next watch opens a new one.
		 * @return the watches that were open on it, now closed
		 */
		List<Watching> end() {
			List<Watching> open = new ArrayList<>();
			// Its own onError then finds the stream ended.
			if (this.call.end("no watch left on the stream, or the client closed it")) {
				retire();
				this.pending.forEach(open::add);
				open.addAll(this.watching.values());
				open.removeIf((watching) -> watching.closed);
				open.forEach((watching) -> watching.closed = true);
				this.pending.clear();
				this.watching.clear();
			}
			return open;
		}

		void retire() {
			if (EtcdWatchStream.this.stream == this) {
				EtcdWatchStream.this.stream = null;
			}
		}

		void endIfIdle() {
			if (!this.call.isEnded() && this.pending.isEmpty() && this.watching.isEmpty()) {
				end();
			}
		}

		private static List<Watching> listOf(Watching watching) {
			return (watching != null) ? List.of(watching) : List.of();
		}

	}

	/**
	 * One watch on the stream.
	 */
	private final class Watching implements Watcher {

		private final Listener listener;

		private final boolean createdNotify;

		private Stream stream;

		private long id = -1;

		private boolean closed;

		Watching(Listener listener, boolean createdNotify) {
			this.listener = listener;
			this.createdNotify = createdNotify;
		}

		@Override
		public void close() {
			synchronized (EtcdWatchStream.this.lock) {
				if (this.closed) {
					return;
				}
				this.closed = true;
				if (this.id != -1 && this.stream.watching.remove(this.id) == this && !this.stream.call.isEnded()) {
					this.stream.cancel(this.id);
				}
				// One still waiting for etcd stays in line, to be cancelled once created.
				this.stream.endIfIdle();
			}
			// jetcd ends a closed watch so.
			this.listener.onCompleted();
		}

		/**
		 * Add the calls that tell this watch's listener it failed, then ended.
		 * @param error the failure
		 * @param calls where to add them, to be told together
		 */
		void failed(Throwable error, List<Runnable> calls) {
			calls.add(() -> this.listener.onError(error));
			calls.add(this.listener::onCompleted);
		}

		@Override
		public boolean isClosed() {
			synchronized (EtcdWatchStream.this.lock) {
				return this.closed;
			}
		}

		@Override
		public void requestProgress() {
			EtcdWatchStream.this.requestProgress();
		}

	}

}
