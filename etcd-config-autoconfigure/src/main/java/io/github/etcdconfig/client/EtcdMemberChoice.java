package io.github.etcdconfig.client;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.etcd.jetcd.Client;
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
 * leader: etcd's "no leader"), when a request that etcd answers at once (a read, a lease
 * or auth call, a member's status) is not answered by its deadline or is cancelled by a
 * caller that stopped waiting for it (a member that hangs keeps its connection open until
 * keep-alive gives up), and when the liveness check finds the member without a leader
 * ({@link #leave(int, String)}). Each way off names the member it leaves, so that the
 * calls that failed on one member together move the client once.
 *
 * <p>
 * Calls already running on the member left go on there until they end; new calls go to
 * the next member. Thread-safe.
 */
public final class EtcdMemberChoice {

	// etcd's client port, as jetcd assumes it for an endpoint without one.
	private static final int DEFAULT_PORT = 2379;

	private static final Log logger = LogFactory.getLog(EtcdMemberChoice.class);

	private static final Set<String> ANSWERED_AT_ONCE = Set.of("etcdserverpb.KV", "etcdserverpb.Lease",
			"etcdserverpb.Cluster", "etcdserverpb.Auth");

	private static final EtcdMemberChoice ROUND_ROBIN = new EtcdMemberChoice(List.of());

	private static final Map<Client, EtcdMemberChoice> clients = Collections.synchronizedMap(new WeakHashMap<>());

	private final List<InetSocketAddress> members;

	private int chosen;

	private @Nullable Function<Integer, CompletableFuture<Void>> moved;

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
	 * later.
	 * @return the member, as a count of the moves so far
	 */
	public synchronized int current() {
		return this.chosen;
	}

	/**
	 * Leave a member for the next one, unless the client left it already.
	 * @param member the member to leave, as {@link #current()} named it
	 * @param reason why, for the log: what the member did not do
	 * @return completes once calls made after it go to the next member (at once when the
	 * client does not move)
	 */
	public CompletableFuture<Void> leave(int member, String reason) {
		Function<Integer, CompletableFuture<Void>> moved;
		int next;
		synchronized (this) {
			moved = this.moved;
			// No channel to move: the client is closed, or idle and to resolve again.
			if (this.members.size() < 2 || member != this.chosen || moved == null) {
				return CompletableFuture.completedFuture(null);
			}
			next = ++this.chosen;
		}
		if (logger.isInfoEnabled()) {
			logger.info("etcd member " + name(member) + " " + reason + "; the client moves to " + name(next));
		}
		return moved.apply(next);
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
	 * whose requests that etcd answers at once (the KV, lease, cluster and auth services,
	 * and a member's status) are not answered in time. Such a request with no deadline of
	 * its own, as jetcd's calls have none, gets the request timeout as its deadline:
	 * before a member that hangs has answered the connection's handshake, gRPC holds such
	 * calls for as long as they have no deadline. Lock and election calls, which wait
	 * their turn, and maintenance work are left as they are.
	 * @param timeout the deadline of such a request
	 * @return the interceptor
	 */
	ClientInterceptor interceptor(Duration timeout) {
		return new ClientInterceptor() {

			@Override
			public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options,
					Channel next) {
				boolean atOnce = method.getType() == MethodDescriptor.MethodType.UNARY && answeredAtOnce(method);
				CallOptions timed = (atOnce && options.getDeadline() == null)
						? options.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS) : options;
				return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, timed)) {

					@Override
					public void start(Listener<A> listener, Metadata headers) {
						int member = current();
						super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {

							@Override
							public void onClose(Status status, Metadata trailers) {
								if (status.getCode() == Status.Code.UNAVAILABLE || (atOnce && unanswered(status))) {
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

	private static boolean answeredAtOnce(MethodDescriptor<?, ?> method) {
		return ANSWERED_AT_ONCE.contains(method.getServiceName())
				|| "etcdserverpb.Maintenance/Status".equals(method.getFullMethodName());
	}

	// A single request ended by its deadline, or cancelled by its caller's wait for it
	// (EtcdCalls cancels what did not answer in time: jetcd's own calls have no
	// deadline).
	private static boolean unanswered(Status status) {
		return status.getCode() == Status.Code.DEADLINE_EXCEEDED || status.getCode() == Status.Code.CANCELLED;
	}

}
