package io.github.etcdconfig.client;

import java.util.function.BiFunction;
import java.util.function.Function;

import io.etcd.jetcd.support.Util;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.jspecify.annotations.Nullable;

/**
 * One bidirectional gRPC call on a jetcd client's channel that many requests share, as
 * etcd's watch and lease keep-alive streams allow: opened at the first request, ended
 * once, and then never used again (the owner opens a new one for its next request).
 *
 * <p>
 * The call is made on a stub of {@link EtcdClientInternals} (the auth token's
 * credentials), with etcd's require-leader header, as jetcd's own watch and keep-alive
 * send it. Ending it cancels it: etcd keeps a stream whose client only half-closed it.
 *
 * <p>
 * Not thread-safe: its owner guards it with the lock that guards what waits on the
 * stream, and gRPC may call the owner's observer back on the calling thread, inside that
 * lock, when it fails the call at once.
 *
 * @param <Q> the requests
 */
public final class EtcdStreamCall<Q> {

	private final Opener<Q> opener;

	private @Nullable ClientCallStreamObserver<Q> requests;

	private boolean ended;

	private EtcdStreamCall(Opener<Q> opener) {
		this.opener = opener;
	}

	/**
	 * A call of a client, not opened yet.
	 * @param <S> the stub
	 * @param <Q> the requests
	 * @param <R> the responses
	 * @param internals the client's internals
	 * @param stub makes the stub from a channel, such as {@code WatchGrpc::newStub}
	 * @param call starts the call on a stub, such as {@code WatchGrpc.WatchStub::watch}
	 * @param responses told of the responses, the call's error and its end
	 * @return the call
	 */
	@SuppressWarnings("unchecked")
	public static <S extends AbstractStub<S>, Q, R> EtcdStreamCall<Q> of(EtcdClientInternals internals,
			Function<ManagedChannel, S> stub, BiFunction<S, StreamObserver<R>, StreamObserver<Q>> call,
			StreamObserver<R> responses) {
		return new EtcdStreamCall<>(() -> {
			// The call serves every later request of the client, so it must not end with
			// the request of the thread that opens it (a lock taken in a gRPC server's
			// handler, whose context is cancelled when that request ends).
			Context previous = Context.ROOT.attach();
			try {
				return (ClientCallStreamObserver<Q>) call.apply(Util.applyRequireLeader(true, internals.newStub(stub)),
						responses);
			}
			finally {
				Context.ROOT.detach(previous);
			}
		});
	}

	/**
	 * Open the call if this is its first request, and tell whether a request can be sent:
	 * gRPC may fail the call at once, on this thread, and it then ended already.
	 * @return whether the call is open
	 */
	public boolean open() {
		if (this.requests == null) {
			this.requests = this.opener.open();
		}
		return !this.ended;
	}

	/**
	 * Send a request, opening the call first if this is its first request.
	 * @param request the request
	 * @return whether it was sent: false when the call ended, perhaps just now
	 */
	public boolean send(Q request) {
		if (!open()) {
			return false;
		}
		this.requests.onNext(request);
		return true;
	}

	/**
	 * End the call, cancelling it if it was opened; its observer's {@code onError} may
	 * follow.
	 * @param reason why, for gRPC's cancellation
	 * @return true the first time, false when it had ended already
	 */
	public boolean end(String reason) {
		if (this.ended) {
			return false;
		}
		this.ended = true;
		if (this.requests != null) {
			this.requests.cancel(reason, null);
		}
		return true;
	}

	/**
	 * Whether the call ended.
	 * @return whether {@link #end(String)} was called
	 */
	public boolean isEnded() {
		return this.ended;
	}

	@FunctionalInterface
	private interface Opener<Q> {

		ClientCallStreamObserver<Q> open();

	}

}
