package io.github.etcdconfig.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder on a free loopback port, for "the line is cut" tests: point a client at
 * {@link #endpoint()}, then {@link #cut()} drops every connection with a reset and
 * refuses new ones until {@link #restore()}. While cut, the listening socket stays bound
 * (so nobody else can take the port) and resets every new connection right after
 * accepting it. Works for TLS too, since bytes are forwarded unchanged.
 */
public final class TcpProxy implements AutoCloseable {

	private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

	private static final int BUFFER_SIZE = 16 * 1024;

	private final InetSocketAddress target;

	private final String scheme;

	private final ServerSocket server;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private final AtomicLong connections = new AtomicLong();

	private final AtomicLong bytesFromClients = new AtomicLong();

	private volatile boolean cut;

	private volatile boolean closed;

	/**
	 * Starts forwarding at once from a free loopback port to
	 * {@code targetHost:targetPort}.
	 */
	public TcpProxy(String targetHost, int targetPort) {
		this(targetHost, targetPort, "http");
	}

	private TcpProxy(String targetHost, int targetPort, String scheme) {
		this.target = new InetSocketAddress(targetHost, targetPort);
		this.scheme = scheme;
		try {
			server = new ServerSocket();
			server.setReuseAddress(true);
			server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot open a proxy port", e);
		}
		daemon("tcp-proxy-" + port(), this::acceptLoop).start();
	}

	/**
	 * A proxy to an etcd client URL; {@link #endpoint()} keeps its scheme ({@code http}
	 * or {@code https}).
	 */
	public static TcpProxy to(URI endpoint) {
		return new TcpProxy(endpoint.getHost(), endpoint.getPort(), endpoint.getScheme());
	}

	/** The local port clients connect to. */
	public int port() {
		return server.getLocalPort();
	}

	/**
	 * {@code http://127.0.0.1:port}, or https when the proxy was made for an https
	 * endpoint.
	 */
	public URI endpoint() {
		return URI.create(scheme + "://127.0.0.1:" + port());
	}

	/**
	 * Connections clients opened since the proxy started, those reset at once while cut
	 * or because the target refused included: how often clients tried to reach the
	 * target.
	 */
	public long connections() {
		return connections.get();
	}

	/** Bytes clients sent toward the target since the proxy started. */
	public long bytesFromClients() {
		return bytesFromClients.get();
	}

	/**
	 * Resets every open connection on both sides at once and refuses new connections
	 * until {@link #restore()}.
	 */
	public void cut() {
		cut = true;
		sockets.forEach(TcpProxy::reset);
	}

	/** Accepts and forwards new connections again. */
	public void restore() {
		cut = false;
	}

	/** Stops listening and resets every open connection. */
	@Override
	public void close() {
		closed = true;
		try {
			server.close();
		}
		catch (IOException ignored) {
			// closing is all we want
		}
		sockets.forEach(TcpProxy::reset);
	}

	private void acceptLoop() {
		while (!closed) {
			Socket client;
			try {
				client = server.accept();
			}
			catch (IOException e) {
				return; // the server socket was closed
			}
			connections.incrementAndGet();
			if (cut) {
				reset(client);
			}
			else {
				daemon("tcp-proxy-" + port() + "-connect", () -> connect(client)).start();
			}
		}
	}

	private void connect(Socket client) {
		Socket upstream = new Socket();
		try {
			client.setTcpNoDelay(true);
			upstream.setTcpNoDelay(true);
			upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
		}
		catch (IOException e) {
			reset(client);
			reset(upstream);
			return;
		}
		sockets.add(client);
		sockets.add(upstream);
		// cut() may have run between accept and registration; it only saw the registered
		// sockets
		if (cut || closed) {
			reset(client);
			reset(upstream);
			return;
		}
		daemon("tcp-proxy-" + port() + "-up", () -> pump(client, upstream, bytesFromClients)).start();
		pump(upstream, client, new AtomicLong());
	}

	/**
	 * Copies bytes until either side ends, then closes both so the other pump ends too.
	 */
	private void pump(Socket from, Socket to, AtomicLong forwarded) {
		byte[] buffer = new byte[BUFFER_SIZE];
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
				forwarded.addAndGet(n);
				out.write(buffer, 0, n);
			}
		}
		catch (IOException ignored) {
			// the connection was reset or cut
		}
		finally {
			end(from);
			end(to);
		}
	}

	/**
	 * Closes a socket whose peer ended; after a cut it must be a reset too, or the other
	 * side would see a FIN.
	 */
	private void end(Socket socket) {
		sockets.remove(socket);
		if (cut || closed) {
			reset(socket);
			return;
		}
		try {
			socket.close();
		}
		catch (IOException ignored) {
			// already closed
		}
	}

	/**
	 * Closes with SO_LINGER 0 so the peer gets a RST at once instead of an orderly FIN.
	 */
	private static void reset(Socket socket) {
		try {
			socket.setSoLinger(true, 0);
		}
		catch (IOException ignored) {
			// already closed: nothing to reset
		}
		try {
			socket.close();
		}
		catch (IOException ignored) {
			// already closed
		}
	}

	private static Thread daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

}
