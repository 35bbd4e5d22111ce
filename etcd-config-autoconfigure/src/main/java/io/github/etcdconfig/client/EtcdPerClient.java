package io.github.etcdconfig.client;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.etcd.jetcd.Client;
import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

/**
 * One object per jetcd client, shared by everything that uses the client (its one watch
 * stream, its one lease stream, the answers of its liveness checks): made at the first
 * {@link #get(Client)}, kept for as long as the client lives.
 *
 * <p>
 * The client is held weakly, so a client no one holds can go, and the object with it. The
 * object must therefore not hold the client itself, only what it needs of it (such as
 * {@link EtcdClientInternals}, which holds jetcd's connection manager). Thread-safe.
 *
 * @param <T> the type of the object
 */
public final class EtcdPerClient<T> {

	private final Map<Client, T> values = Collections.synchronizedMap(new WeakHashMap<>());

	private final Function<Client, T> create;

	private EtcdPerClient(Function<Client, T> create) {
		this.create = create;
	}

	/**
	 * One object per client, made by {@code create}.
	 * @param <T> the type of the object
	 * @param create makes the object of a client, once per client
	 * @return the objects of every client
	 */
	public static <T> EtcdPerClient<T> of(Function<Client, T> create) {
		return new EtcdPerClient<>(create);
	}

	/**
	 * One object per client made from the client's {@link EtcdClientInternals}, or
	 * without them (a {@code null} argument) when they cannot be reached: another jetcd
	 * version, or a client that is not jetcd's own. That is logged once at DEBUG, for the
	 * first such client, with what the fallback means.
	 * @param <T> the type of the object
	 * @param create makes the object of a client from its internals, or {@code null}
	 * @param logger the log of the caller
	 * @param withoutInternals what happens without them, such as "each watch opens its
	 * own stream, as jetcd does"
	 * @return the objects of every client
	 */
	public static <T> EtcdPerClient<T> ofInternals(BiFunction<Client, @Nullable EtcdClientInternals, T> create,
			Log logger, String withoutInternals) {
		AtomicBoolean fallbackLogged = new AtomicBoolean();
		return new EtcdPerClient<>((client) -> {
			EtcdClientInternals internals = null;
			try {
				internals = EtcdClientInternals.of(client);
			}
			catch (ReflectiveOperationException ex) {
				if (fallbackLogged.compareAndSet(false, true)) {
					logger.debug(
							"Cannot reach the gRPC channel of " + client.getClass().getName() + "; " + withoutInternals,
							ex);
				}
			}
			return create.apply(client, internals);
		});
	}

	/**
	 * The object of a client, made at the first call for the client.
	 * @param client the client
	 * @return the same object for every call with the client
	 */
	public T get(Client client) {
		return this.values.computeIfAbsent(client, this.create);
	}

}
