package io.github.etcdconfig.client;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The one etcd member a client made with {@code etcd.load-balancing=one-member} talks to,
 * and the way off it.
 *
 * <p>
 * The client is given the endpoints in an order of its own, shuffled, so that a fleet's
 * instances spread over the members, and gRPC's {@code pick_first} connects to the first
 * one ({@link EtcdMemberResolver}). The client leaves that member for the next when a
 * call ends {@code UNAVAILABLE} (the connection lost or refused, or a member without a
 * leader: etcd's "no leader"; not etcd's "leader changed" or "request timed out", which
 * every member answers during an election), when a read or a member's status is not
 * answered by the deadline its caller gave it, and when a caller that waits on its own
 * timer finds the member silent or without a leader ({@link #leave(int, String)}): the
 * liveness check and the reads of a load or a resync do. A hung member keeps its
 * connection open until keep-alive gives up, so without these the client would wait for
 * that.
 *
 * <p>
 * Each way off names the member it leaves, as {@link #current()} named it when the call
 * was made, so that the calls that failed on one member together move the client once.
 * Calls already running on the member left go on there until they end, or until their
 * owners end them ({@link #whenMoved(Runnable)}); new calls go to the next member once
 * the channel has switched to it, which is when a move completes. Thread-safe.
 */
public final class EtcdMemberChoice {

	// etcd's client port, as jetcd assumes it for an endpoint without one.
	private static final int DEFAULT_PORT = 2379;

	private static final Log logger = LogFactory.getLog(EtcdMemberChoice.class);

	// Requests that callers give a deadline of their own to: the liveness check's.
	private static final Set<String> TIMED = Set.of("etcdserverpb.KV/Range", "etcdserverpb.Maintenance/Status");

	// What etcd answers on every member while it elects a leader: no reason to move.
	private static final Set<String> CLUSTER_WIDE = Set.of("etcdserver: leader changed",
			"etcdserver: request timed out");

	private static final EtcdMemberChoice ROUND_ROBIN = new EtcdMemberChoice(List.of());

	private static final Map<Client, EtcdMemberChoice> clients = Collections.synchronizedMap(new WeakHashMap<>());

	private final List<InetSocketAddress> members;

	// The member moved to; the member the channel was given, once it has its address.
	private int chosen;

	private int published;

	private CompletableFuture<Void> moving = CompletableFuture.completedFuture(null);

	private @Nullable Function<Integer, CompletableFuture<Void>> moved;

	private final List<Runnable> movedListeners = new CopyOnWriteArrayList<>();

	private EtcdMemberChoice(List<InetSocketAddress> members) {
		this.members = members;
	}

	/**
	 * A choice over the given endpoints, in a random order.
	 * @param endpoints the endpoints
	 * @return the choice
	 */
	static EtcdMemberChoice shuffled(List<URI> endpoints) {
		List<InetSocketAddress> members = new ArrayList<>();
		endpoints.stream()
			.map((endpoint) -> InetSocketAddress.createUnresolved(endpoint.getHost(),
					(endpoint.getPort() != -1) ? endpoint.getPort() : DEFAULT_PORT))
			.distinct()
			.forEach(members::add);
		Collections.shuffle(members, ThreadLocalRandom.current());
		return new EtcdMemberChoice(List.copyOf(members));
	}

	/**
	 * The choice of a client, or one that never moves for a client that spreads its calls
	 * over the members (jetcd's round-robin) or that the starter did not make.
	 * @param client the client
	 * @return its choice
	 */
	public static EtcdMemberChoice of(Client client) {
		EtcdMemberChoice choice = clients.get(client);
		return (choice != null) ? choice : roundRobin();
	}

	/**
	 * The choice of a client that spreads its calls over the members: it never moves.
	 * @return that choice
	 */
	public static EtcdMemberChoice roundRobin() {
		return ROUND_ROBIN;
	}

	/**
	 * Remember the choice of a client, for {@link #of(Client)}.
	 * @param client the client made with this choice
	 */
	void madeFor(Client client) {
		clients.put(client, this);
	}

	/**
	 * Which member the client talks to now, to name it to {@link #leave(int, String)}
	 * later: the one the channel has the address of.
	 * @return the member, as a count of the moves so far
	 */
	public synchronized int current() {
		return this.published;
	}

	/**
	 * The member the client moved to last, whose address the channel may not have yet.
	 * @return the member, as a count of the moves so far
	 */
	synchronized int target() {
		return this.chosen;
	}

	/**
	 * Note that the channel has the address of a member, so that calls made from now on
	 * are named after it.
	 * @param member the member, as {@link #target()} named it
	 */
	synchronized void published(int member) {
		this.published = Math.max(this.published, member);
	}

	/**
	 * Leave a member for the next one, unless the client left it already.
	 * @param member the member to leave, as {@link #current()} named it
	 * @param reason why, for the log: what the member did not do
	 * @return completes once calls made after it go to the next member: at once when the
	 * client does not move, and when it left that member already, once that move is done
	 */
	public CompletableFuture<Void> leave(int member, String reason) {
		Function<Integer, CompletableFuture<Void>> moved;
		CompletableFuture<Void> moving = new CompletableFuture<>();
		int next;
		synchronized (this) {
			moved = this.moved;
			// No channel to move: the client is closed, or idle and to resolve again.
			if (this.members.size() < 2 || moved == null) {
				return CompletableFuture.completedFuture(null);
			}
			if (member != this.chosen) {
				return this.moving;
			}
			next = ++this.chosen;
			this.moving = moving;
		}
		if (logger.isInfoEnabled()) {
			logger.info("etcd member " + name(member) + " " + reason + "; the client moves to " + name(next));
		}
		moved.apply(next).whenComplete((done, failure) -> {
			moving.complete(null);
			this.movedListeners.forEach(Runnable::run);
		});
		return moving;
	}

	/**
	 * Run a listener after each move, once calls made from then on go to the next member:
	 * a stream open on the member left stays there until it ends, so its owner ends it,
	 * and opens it again on the next member. Listeners run on gRPC's threads and must not
	 * block. A choice that never moves keeps no listener.
	 * @param listener the listener
	 */
	public void whenMoved(Runnable listener) {
		if (canMove()) {
			this.movedListeners.add(listener);
		}
	}

	/**
	 * Whether the client is held to one member of several: it asks that member alone, and
	 * can move to another.
	 * @return {@code false} for a client that spreads its calls over the members, or that
	 * was given one endpoint
	 */
	public boolean canMove() {
		return this.members.size() > 1;
	}

	/**
	 * The failure that ends a stream a move left on the previous member, for its owner to
	 * open it again on the next.
	 * @return the failure, {@code UNAVAILABLE}
	 */
	public static EtcdException movedAway() {
		return EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE, "the client moved to another etcd member");
	}

	private String name(int member) {
		InetSocketAddress address = address(member);
		return address.getHostString() + ":" + address.getPort();
	}

	/**
	 * The member the client talks to now.
	 * @return its address (host and port, not resolved), or {@code null} for a client
	 * that spreads its calls over the members
	 */
	public @Nullable InetSocketAddress chosen() {
		return this.members.isEmpty() ? null : address(current());
	}

	/**
	 * The address of a member.
	 * @param member the member, as {@link #current()} names it
	 * @return its address
	 */
	InetSocketAddress address(int member) {
		return this.members.get(Math.floorMod(member, this.members.size()));
	}

	/**
	 * Tell a listener the member chosen after each move.
	 * @param moved the listener, which completes once calls go to that member;
	 * {@code null} to stop telling
	 */
	synchronized void onMove(@Nullable Function<Integer, CompletableFuture<Void>> moved) {
		this.moved = moved;
	}

	/**
	 * The interceptor that moves the client off a member whose calls end unavailable, or
	 * whose reads and status requests are not answered by the deadline their caller gave
	 * them. It gives no call a deadline: a load's reads wait as long as their reader
	 * allows, and tell {@link #leave(int, String)} when they stop waiting.
	 * @return the interceptor
	 */
	ClientInterceptor interceptor() {
		return new ClientInterceptor() {

			@Override
			public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options,
					Channel next) {
				boolean timed = method.getType() == MethodDescriptor.MethodType.UNARY
						&& TIMED.contains(method.getFullMethodName());
				return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {

					@Override
					public void start(Listener<A> listener, Metadata headers) {
						int member = current();
						super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {

							@Override
							public void onClose(Status status, Metadata trailers) {
								if (unavailable(status)
										|| (timed && status.getCode() == Status.Code.DEADLINE_EXCEEDED)) {
									leave(member, "ended " + method.getBareMethodName() + " " + status.getCode());
								}
								super.onClose(status, trailers);
							}

						}, headers);
					}

				};
			}

		};
	}

	private static boolean unavailable(Status status) {
		return status.getCode() == Status.Code.UNAVAILABLE && !CLUSTER_WIDE.contains(status.getDescription());
	}

}
