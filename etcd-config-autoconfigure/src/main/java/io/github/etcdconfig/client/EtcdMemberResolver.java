package io.github.etcdconfig.client;

import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.SynchronizationContext;
import org.jspecify.annotations.Nullable;

/**
 * gRPC's name resolver for a client held to one etcd member: it gives the channel the
 * address of the member its {@link EtcdMemberChoice} chose, and the next one's after each
 * move. gRPC's {@code pick_first} then connects to that member alone, and drops the
 * connection to the member left as soon as the address changes.
 *
 * <p>
 * A channel's target names its choice ({@link #target}), registered here while the choice
 * lives; the scheme is registered with gRPC once.
 */
final class EtcdMemberResolver extends NameResolver {

	private static final String SCHEME = "etcd-member";

	private static final Map<String, WeakReference<EtcdMemberChoice>> choices = new ConcurrentHashMap<>();

	private static final AtomicLong ids = new AtomicLong();

	static {
		NameResolverRegistry.getDefaultRegistry().register(new Provider());
	}

	private final EtcdMemberChoice choice;

	private final String authority;

	private final boolean authorityGiven;

	private final SynchronizationContext context;

	private final Executor offload;

	private @Nullable Listener2 listener;

	private boolean shutdown;

	private EtcdMemberResolver(EtcdMemberChoice choice, String authority, boolean authorityGiven, Args args) {
		this.choice = choice;
		this.authority = authority;
		this.authorityGiven = authorityGiven;
		this.context = args.getSynchronizationContext();
		this.offload = (args.getOffloadExecutor() != null) ? args.getOffloadExecutor() : Runnable::run;
	}

	/**
	 * The target of a channel that talks to the member a choice chose.
	 * @param choice the choice
	 * @param authority the authority the channel names, {@code null} for the member's
	 * host and port
	 * @return the target, for jetcd's {@code ClientBuilder.target}
	 */
	static String target(EtcdMemberChoice choice, @Nullable String authority) {
		choices.values().removeIf((held) -> held.get() == null);
		String id = Long.toString(ids.incrementAndGet());
		choices.put(id, new WeakReference<>(choice));
		return SCHEME + "://" + ((authority != null) ? authority : "") + "/" + id;
	}

	@Override
	public String getServiceAuthority() {
		return this.authority;
	}

	@Override
	public void start(Listener2 listener) {
		this.listener = listener;
		this.choice.onMove(this::publish);
		publish(this.choice.target());
	}

	@Override
	public void refresh() {
		publish(this.choice.target());
	}

	@Override
	public void shutdown() {
		this.shutdown = true;
		this.choice.onMove(null);
	}

	// Resolving a host name may block, so it is done off gRPC's synchronization context;
	// an address is given only while its member is still the one moved to, so a slow
	// resolution cannot undo a later move. Once the channel has the address, its calls
	// go to that member. The future completes whatever happens, so that no one waits on
	// it for ever.
	private CompletableFuture<Void> publish(int member) {
		CompletableFuture<Void> published = new CompletableFuture<>();
		try {
			this.offload.execute(() -> {
				try {
					InetSocketAddress given = this.choice.address(member);
					InetSocketAddress address = new InetSocketAddress(given.getHostString(), given.getPort());
					Attributes attributes = this.authorityGiven ? Attributes.EMPTY
							: Attributes.newBuilder()
								.set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE,
										given.getHostString() + ":" + given.getPort())
								.build();
					this.context.execute(() -> {
						boolean addressed = false;
						try {
							Listener2 listener = this.listener;
							if (!this.shutdown && listener != null && member == this.choice.target()) {
								listener.onResult2(ResolutionResult.newBuilder()
									.setAddresses(List.of(new EquivalentAddressGroup(address, attributes)))
									.build());
								addressed = true;
							}
						}
						finally {
							afterSwitch(member, addressed, published);
						}
					});
				}
				catch (RuntimeException ex) {
					published.complete(null);
					throw ex;
				}
			});
		}
		catch (RuntimeException ex) {
			// The channel is shutting down.
			published.complete(null);
		}
		return published;
	}

	// The channel switches to the address in a task of its own that onResult2 queues on
	// the synchronization context (the pick-first balancer's subchannel updates its
	// addresses so): until that task has run, a call still goes to the member left, hung
	// or not. Calls are named after the new member, and the move is done, only after it,
	// in a task queued behind it.
	private void afterSwitch(int member, boolean addressed, CompletableFuture<Void> published) {
		this.context.execute(() -> {
			if (addressed) {
				this.choice.published(member);
			}
			published.complete(null);
		});
	}

	private static final class Provider extends NameResolverProvider {

		@Override
		protected boolean isAvailable() {
			return true;
		}

		@Override
		protected int priority() {
			return 5;
		}

		@Override
		public String getDefaultScheme() {
			return SCHEME;
		}

		@Override
		public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
			return List.of(InetSocketAddress.class);
		}

		@Override
		public @Nullable NameResolver newNameResolver(URI target, Args args) {
			if (!SCHEME.equals(target.getScheme())) {
				return null;
			}
			WeakReference<EtcdMemberChoice> held = choices.get(target.getPath().substring(1));
			EtcdMemberChoice choice = (held != null) ? held.get() : null;
			if (choice == null) {
				return null;
			}
			String authority = target.getAuthority();
			boolean given = authority != null && !authority.isEmpty();
			InetSocketAddress first = choice.address(0);
			return new EtcdMemberResolver(choice, given ? authority : first.getHostString() + ":" + first.getPort(),
					given, args);
		}

	}

}
