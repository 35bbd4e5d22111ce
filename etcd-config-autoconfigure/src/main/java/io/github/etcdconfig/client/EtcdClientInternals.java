package io.github.etcdconfig.client;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.function.Function;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import io.grpc.stub.AbstractStub;
import org.jspecify.annotations.Nullable;

/**
 * What jetcd keeps to itself of a client's connection, reached through jetcd's internals
 * (0.8): its gRPC channel, gRPC stubs made as jetcd makes its own (the auth token's call
 * credentials when the client has a user), the namespace, and the renewal of the auth
 * token.
 *
 * <p>
 * The one place that reflects on jetcd. {@link #of(Client)} fails when the internals
 * cannot be reached (another jetcd version, or a client that is not jetcd's own); callers
 * then use jetcd's public API ({@link EtcdPerClient#ofInternals} passes them
 * {@code null}). Holds jetcd's connection manager, not the client.
 */
public final class EtcdClientInternals {

	private final Object connectionManager;

	private final ManagedChannel channel;

	private final ByteSequence namespace;

	private final Method newStub;

	private final Method authCredential;

	private EtcdClientInternals(Object connectionManager) throws ReflectiveOperationException {
		Class<?> type = connectionManager.getClass();
		this.connectionManager = connectionManager;
		this.channel = (ManagedChannel) accessible(type.getDeclaredMethod("getChannel")).invoke(connectionManager);
		this.namespace = (ByteSequence) accessible(type.getDeclaredMethod("getNamespace")).invoke(connectionManager);
		this.newStub = accessible(type.getDeclaredMethod("newStub", Function.class));
		this.authCredential = accessible(type.getDeclaredMethod("authCredential"));
	}

	/**
	 * Reach the internals of a jetcd client.
	 * @param client the client
	 * @return its internals
	 * @throws ReflectiveOperationException when they cannot be reached
	 */
	public static EtcdClientInternals of(Client client) throws ReflectiveOperationException {
		try {
			Field field = client.getClass().getDeclaredField("connectionManager");
			field.setAccessible(true);
			return new EtcdClientInternals(field.get(client));
		}
		catch (RuntimeException ex) {
			// InaccessibleObjectException and ClassCastException: not the jetcd we know.
			throw new ReflectiveOperationException(ex.getMessage(), ex);
		}
	}

	/**
	 * The client's gRPC channel.
	 * @return the channel
	 */
	public ManagedChannel channel() {
		return this.channel;
	}

	/**
	 * The namespace jetcd prefixes keys with.
	 * @return the namespace, empty when the client has none
	 */
	public ByteSequence namespace() {
		return this.namespace;
	}

	/**
	 * A stub on the client's channel, set up as jetcd sets up its own: wait-for-ready as
	 * the client says, and the auth token's call credentials when the client has a user.
	 * @param <T> the stub's type
	 * @param stub makes the stub from a channel, such as {@code WatchGrpc::newStub}
	 * @return the stub
	 */
	@SuppressWarnings("unchecked")
	public <T extends AbstractStub<T>> T newStub(Function<ManagedChannel, T> stub) {
		try {
			return (T) this.newStub.invoke(this.connectionManager, stub);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Cannot make a gRPC stub on jetcd's channel", ex);
		}
	}

	/**
	 * Make jetcd fetch a new auth token for the calls it starts next, as jetcd does when
	 * etcd rejects a token; does nothing when the client has no user.
	 */
	public void renewToken() {
		try {
			Object credential = this.authCredential.invoke(this.connectionManager);
			if (credential != null) {
				accessible(credential.getClass().getDeclaredMethod("refresh")).invoke(credential);
			}
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Cannot renew jetcd's auth token", ex);
		}
	}

	/**
	 * Renew the auth token, as {@link #renewToken()}, when etcd refused a call or a
	 * stream with an error that may come of an expired token ("permission denied",
	 * "invalid auth token"): etcd checks the token a stream opened with, so the stream's
	 * owner opens the next stream with the new one.
	 * @param message etcd's error message, or the cancel reason of a watch
	 * @return whether the message was such an error, and the token renewed
	 */
	public boolean renewTokenIfRefused(@Nullable String message) {
		if (message == null || !(message.contains("permission denied") || message.contains("invalid auth token"))) {
			return false;
		}
		renewToken();
		return true;
	}

	private static Method accessible(Method method) {
		method.setAccessible(true);
		return method;
	}

}
