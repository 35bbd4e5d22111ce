package io.github.etcdconfig.test;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.api.StatusResponse;
import io.etcd.jetcd.auth.Permission;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A single etcd member or a cluster of local etcd processes for integration tests. Every
 * member listens on free loopback ports and keeps its data in its own directory under
 * {@link #baseDir()}; {@link #close()} kills the processes and deletes that directory,
 * and a JVM shutdown hook does the same for clusters that were never closed.
 *
 * <pre>{@code
 * try (EtcdCluster etcd = EtcdCluster.builder().members(3).build().start(); Client client = etcd.newClient()) {
 *     etcd.leader().kill();
 *     ...
 * }
 * }</pre>
 *
 * <p>
 * Members are tuned for fast tests (50 ms heartbeats, 500 ms election timeout, bcrypt
 * cost 4, progress notifications every second); extra flags given with
 * {@link Builder#arg(String)} come last and so override them.
 */
public final class EtcdCluster implements AutoCloseable {

	private static final int START_ATTEMPTS = 3;

	private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);

	private static final String LOOPBACK = "127.0.0.1";

	// Above the well-known ports and the lower registered ones; below the ephemeral
	// range.
	private static final int FIXED_PORTS_START = 10_000;

	private static final int EPHEMERAL_PORTS_START = ephemeralPortsStart();

	private static final String ROOT = "root";

	private final int size;

	private final boolean tls;

	private final boolean clientCertAuth;

	private final Duration authTokenTtl;

	private final List<String> extraArgs;

	private final String clusterToken = "etcd-test-" + UUID.randomUUID();

	private final Map<String, String> userRoles = new ConcurrentHashMap<>();

	private volatile List<EtcdMember> members = List.of();

	private volatile Path baseDir;

	private volatile EtcdTls tlsMaterial;

	private volatile String rootPassword;

	private volatile boolean closed;

	private EtcdCluster(Builder builder) {
		this.size = builder.members;
		this.tls = builder.tls || builder.clientCertAuth;
		this.clientCertAuth = builder.clientCertAuth;
		this.authTokenTtl = builder.authTokenTtl;
		this.extraArgs = List.copyOf(builder.args);
	}

	/** A builder for a single plain member; see {@link Builder}. */
	public static Builder builder() {
		return new Builder();
	}

	/** A single plain member, not started yet. */
	public static EtcdCluster single() {
		return builder().build();
	}

	/**
	 * Whether a local etcd binary is usable ({@code etcd.bin}, {@code ETCD_BIN}, the PATH
	 * or /usr/bin/etcd).
	 */
	public static boolean isEtcdAvailable() {
		return EtcdBinary.isUsable();
	}

	/**
	 * Starts all members and waits (up to 20 s) until every member answers and the
	 * cluster has a leader. Ports that another process grabbed in the meantime are picked
	 * again. Called again later, it restarts every member that was killed or stopped, all
	 * at once, which is how a cluster that lost its quorum comes back.
	 *
	 * <p>
	 * Without a local binary, a single plain member runs in Docker if Testcontainers
	 * finds an engine.
	 * @return this cluster
	 * @throws IllegalStateException when etcd cannot be started; the message holds the
	 * end of the member's log
	 */
	public synchronized EtcdCluster start() {
		if (closed) {
			throw new IllegalStateException("This etcd cluster is closed");
		}
		if (!members.isEmpty()) {
			restartStoppedMembers();
		}
		else if (isEtcdAvailable()) {
			startLocalMembers();
		}
		else {
			String reason = unavailableReason();
			if (reason != null) {
				throw new IllegalStateException(reason);
			}
			members = List.of(DockerFallback.start());
		}
		return this;
	}

	/** The members in creation order; empty before {@link #start()}. */
	public List<EtcdMember> members() {
		return members;
	}

	/** The member at {@code index} (0-based). */
	public EtcdMember member(int index) {
		return started().get(index);
	}

	/** The client URLs of all members. */
	public List<URI> clientEndpoints() {
		return started().stream().map(EtcdMember::clientEndpoint).toList();
	}

	/** The client URLs joined with commas, ready for {@code etcd.endpoints=...}. */
	public String endpointsProperty() {
		return clientEndpoints().stream().map(URI::toString).collect(Collectors.joining(","));
	}

	/**
	 * A jetcd builder for all members with the TLS material applied, for tests that need
	 * other client settings. It carries no credentials.
	 */
	public ClientBuilder clientBuilder() {
		ClientBuilder builder = Client.builder().endpoints(clientEndpoints());
		if (tlsMaterial != null) {
			builder.sslContext(tlsMaterial.clientSslContext());
		}
		return builder;
	}

	/**
	 * A jetcd client for all members; it authenticates as root once
	 * {@link #enableAuth(String)} was called.
	 */
	public Client newClient() {
		String password = rootPassword;
		return password == null ? clientBuilder().build() : newClient(ROOT, password);
	}

	/** A jetcd client for all members that authenticates as {@code user}. */
	public Client newClient(String user, String password) {
		return clientBuilder().user(bytes(user)).password(bytes(password)).build();
	}

	/**
	 * The member that is leader now, asked of every running, unpaused member (500 ms
	 * each). When more than one claims the leadership (an old leader that has not noticed
	 * yet), the one with the highest raft term wins.
	 * @throws IllegalStateException when no member claims to be leader, e.g. during an
	 * election
	 */
	public EtcdMember leader() {
		return findLeader().orElseThrow(() -> new IllegalStateException("No etcd member is leader now"));
	}

	/**
	 * Creates user {@code root} with that password and the root role, then enables
	 * authentication. From now on {@link #newClient()} authenticates as root.
	 */
	public void enableAuth(String rootPassword) {
		try (Client client = adminClient()) {
			Auth auth = client.getAuthClient();
			await(auth.userAdd(bytes(ROOT), bytes(rootPassword)), "user add root");
			// etcd refuses to enable auth unless the root role exists and root has it
			await(auth.roleAdd(bytes(ROOT)), "role add root");
			await(auth.userGrantRole(bytes(ROOT), bytes(ROOT)), "grant role root");
			await(auth.authEnable(), "auth enable");
		}
		this.rootPassword = rootPassword;
	}

	/**
	 * Creates {@code user} with a role that may only read keys starting with
	 * {@code readPrefix}.
	 */
	public void addUser(String user, String password, String readPrefix) {
		String role = user + "-reader";
		try (Client client = adminClient()) {
			Auth auth = client.getAuthClient();
			await(auth.userAdd(bytes(user), bytes(password)), "user add " + user);
			await(auth.roleAdd(bytes(role)), "role add " + role);
			await(auth.roleGrantPermission(bytes(role), bytes(readPrefix), prefixEnd(bytes(readPrefix)),
					Permission.Type.READ), "grant read " + readPrefix + " to " + role);
			await(auth.userGrantRole(bytes(user), bytes(role)), "grant role " + role + " to " + user);
		}
		userRoles.put(user, role);
	}

	/**
	 * Deletes {@code user} (its tokens become invalid at once) and the role
	 * {@link #addUser} made for it.
	 */
	public void revokeUser(String user) {
		try (Client client = adminClient()) {
			Auth auth = client.getAuthClient();
			await(auth.userDelete(bytes(user)), "user delete " + user);
			String role = userRoles.remove(user);
			if (role != null) {
				await(auth.roleDelete(bytes(role)), "role delete " + role);
			}
		}
	}

	/**
	 * The TLS material when TLS is on, else {@code null}; available after
	 * {@link #start()}.
	 */
	public EtcdTls tls() {
		return tlsMaterial;
	}

	/**
	 * The temporary directory with data directories, logs ({@code <member>.log}) and TLS
	 * files; set by start().
	 */
	public Path baseDir() {
		return baseDir;
	}

	/**
	 * Kills every member and deletes the temporary directory. Idempotent; a closed
	 * cluster cannot start again.
	 */
	@Override
	public synchronized void close() {
		if (closed) {
			return;
		}
		closed = true;
		members.forEach(EtcdMember::shutdown);
		if (baseDir != null) {
			LiveResources.delete(baseDir);
		}
	}

	@Override
	public String toString() {
		return "EtcdCluster" + members;
	}

	/** Why this cluster cannot start on this machine, or {@code null} when it can. */
	String unavailableReason() {
		if (isEtcdAvailable()) {
			return null;
		}
		String missing = "No usable etcd binary at " + EtcdBinary.path() + " (set " + EtcdBinary.ENV + " or -D"
				+ EtcdBinary.PROPERTY + ", or install etcd-server)";
		if (size > 1 || tls || authTokenTtl != null || !extraArgs.isEmpty()) {
			return missing + "; clusters, TLS, token TTLs and extra flags need a local binary";
		}
		return DockerFallback.isDockerAvailable() ? null : missing + " and no Docker engine for the fallback";
	}

	static ByteSequence prefixEnd(ByteSequence prefix) {
		byte[] end = prefix.getBytes();
		// like clientv3.GetPrefixRangeEnd: increment the last byte below 0xff and drop
		// what follows it
		for (int i = end.length - 1; i >= 0; i--) {
			if (end[i] != (byte) 0xff) {
				end[i]++;
				return ByteSequence.from(Arrays.copyOf(end, i + 1));
			}
		}
		// only 0xff bytes: "\0" means "to the end of the key space"
		return ByteSequence.from(new byte[] { 0 });
	}

	private void startLocalMembers() {
		if (baseDir == null) {
			try {
				baseDir = Files.createTempDirectory("etcd-test-");
			}
			catch (IOException e) {
				throw new UncheckedIOException("Cannot create a temporary directory", e);
			}
			LiveResources.track(baseDir);
		}
		if (tls && tlsMaterial == null) {
			tlsMaterial = EtcdTls.generate(baseDir.resolve("tls"));
		}
		for (int attempt = 1;; attempt++) {
			List<EtcdMember> candidates = createMembers();
			try {
				candidates.forEach(member -> member.launch(false));
				EtcdMember.awaitAnswering(candidates);
				members = candidates;
				awaitLeader();
				return;
			}
			catch (RuntimeException e) {
				candidates.forEach(EtcdMember::shutdown);
				boolean portTaken = candidates.stream().anyMatch(EtcdMember::failedToBind);
				if (!portTaken || attempt == START_ATTEMPTS) {
					members = List.of();
					throw e;
				}
			}
		}
	}

	private void restartStoppedMembers() {
		List<EtcdMember> stopped = members.stream().filter(member -> !member.isRunning()).toList();
		stopped.forEach(member -> member.launch(true));
		EtcdMember.awaitAnswering(stopped);
		awaitLeader();
	}

	private List<EtcdMember> createMembers() {
		List<Integer> ports = freePorts(2 * size);
		List<String> names = new ArrayList<>();
		List<URI> peerUrls = new ArrayList<>();
		for (int i = 0; i < size; i++) {
			names.add("etcd" + i);
			peerUrls.add(URI.create("http://" + LOOPBACK + ":" + ports.get(2 * i + 1)));
		}
		String initialCluster = IntStream.range(0, size)
			.mapToObj(i -> names.get(i) + "=" + peerUrls.get(i))
			.collect(Collectors.joining(","));
		SslContext probeSslContext = tlsMaterial == null ? null : tlsMaterial.clientSslContext();
		List<EtcdMember> created = new ArrayList<>();
		for (int i = 0; i < size; i++) {
			URI clientUrl = URI.create((tls ? "https" : "http") + "://" + LOOPBACK + ":" + ports.get(2 * i));
			Path dataDir = baseDir.resolve(names.get(i));
			// a retry after a port clash must not find the cluster configuration of the
			// failed attempt
			LiveResources.deleteRecursively(dataDir);
			List<String> command = command(names.get(i), dataDir, clientUrl, peerUrls.get(i), initialCluster);
			created.add(EtcdMember.local(names.get(i), clientUrl, peerUrls.get(i),
					baseDir.resolve(names.get(i) + ".log"), command, probeSslContext));
		}
		return created;
	}

	private List<String> command(String name, Path dataDir, URI clientUrl, URI peerUrl, String initialCluster) {
		List<String> command = new ArrayList<>(List.of(EtcdBinary.path().toString(), "--name=" + name,
				"--data-dir=" + dataDir, "--listen-client-urls=" + clientUrl, "--advertise-client-urls=" + clientUrl,
				"--listen-peer-urls=" + peerUrl, "--initial-advertise-peer-urls=" + peerUrl,
				"--initial-cluster=" + initialCluster, "--initial-cluster-token=" + clusterToken,
				// fast elections: a new leader within about a second after the old one
				// dies
				"--heartbeat-interval=50", "--election-timeout=500",
				// cheap password hashing: every userAdd and authenticate pays for it
				"--bcrypt-cost=4", "--experimental-watch-progress-notify-interval=1s", "--logger=zap",
				"--log-outputs=stderr"));
		if (tls) {
			command.add("--cert-file=" + tlsMaterial.serverCert());
			command.add("--key-file=" + tlsMaterial.serverKey());
		}
		if (clientCertAuth) {
			command.add("--client-cert-auth=true");
			command.add("--trusted-ca-file=" + tlsMaterial.caCert());
		}
		if (authTokenTtl != null) {
			command.add("--auth-token-ttl=" + Math.max(1, authTokenTtl.toSeconds()));
		}
		command.addAll(extraArgs);
		return command;
	}

	private Optional<EtcdMember> findLeader() {
		EtcdMember leader = null;
		long leaderTerm = -1;
		for (EtcdMember member : started()) {
			if (!member.isRunning() || member.isPaused()) {
				continue;
			}
			Optional<StatusResponse> status = member.status();
			if (status.isPresent() && status.get().getLeader() == status.get().getHeader().getMemberId()
					&& status.get().getRaftTerm() > leaderTerm) {
				leader = member;
				leaderTerm = status.get().getRaftTerm();
			}
		}
		return Optional.ofNullable(leader);
	}

	private void awaitLeader() {
		Waits.until(EtcdMember.READY_TIMEOUT, () -> findLeader().isPresent(), () -> "No leader within "
				+ EtcdMember.READY_TIMEOUT + members.stream().map(EtcdMember::logTail).collect(Collectors.joining()));
	}

	private Client adminClient() {
		ClientBuilder builder = clientBuilder().waitForReady(false);
		String password = rootPassword;
		if (password != null) {
			builder.user(bytes(ROOT)).password(bytes(password));
		}
		return builder.build();
	}

	private List<EtcdMember> started() {
		List<EtcdMember> current = members;
		if (current.isEmpty()) {
			throw new IllegalStateException("The etcd cluster is not started");
		}
		return current;
	}

	private static <T> T await(CompletableFuture<T> future, String what) {
		return Waits.get(future, ADMIN_TIMEOUT, what);
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

	/**
	 * Picks distinct free loopback ports; all sockets stay open until every port is
	 * chosen. On Linux they come from below the ephemeral range (where the kernel picks
	 * the local ports of outgoing connections): a member keeps its ports across a
	 * restart, and while it is down an outgoing connection of any process could otherwise
	 * take one of them. Where that range cannot be read, or 50 random ports below it were
	 * all taken, the kernel picks the port.
	 */
	static List<Integer> freePorts(int count) {
		List<ServerSocket> sockets = new ArrayList<>();
		try {
			for (int i = 0; i < count; i++) {
				sockets.add(bindFreePort());
			}
			return sockets.stream().map(ServerSocket::getLocalPort).toList();
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot find free ports", e);
		}
		finally {
			sockets.forEach(socket -> {
				try {
					socket.close();
				}
				catch (IOException ignored) {
					// the port was only reserved for the pick
				}
			});
		}
	}

	private static ServerSocket bindFreePort() throws IOException {
		InetAddress loopback = InetAddress.getByName(LOOPBACK);
		int ephemeralStart = EPHEMERAL_PORTS_START;
		for (int attempt = 0; ephemeralStart > FIXED_PORTS_START && attempt < 50; attempt++) {
			ServerSocket socket = new ServerSocket();
			try {
				socket.bind(new InetSocketAddress(loopback,
						ThreadLocalRandom.current().nextInt(FIXED_PORTS_START, ephemeralStart)));
				return socket;
			}
			catch (IOException taken) {
				socket.close();
			}
		}
		ServerSocket socket = new ServerSocket();
		socket.bind(new InetSocketAddress(loopback, 0));
		return socket;
	}

	// The first port of the kernel's ephemeral range, or 0 where it cannot be read.
	private static int ephemeralPortsStart() {
		try {
			String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
			return Integer.parseInt(range.split("\\s+")[0]);
		}
		catch (IOException | RuntimeException unknown) {
			return 0;
		}
	}

	/** Configures an {@link EtcdCluster}; defaults to one plain member. */
	public static final class Builder {

		private int members = 1;

		private boolean tls;

		private boolean clientCertAuth;

		private Duration authTokenTtl;

		private final List<String> args = new ArrayList<>();

		private Builder() {
		}

		/**
		 * The number of members, 1 by default; use an odd number such as 3 for fault
		 * tests.
		 */
		public Builder members(int n) {
			if (n < 1) {
				throw new IllegalArgumentException("An etcd cluster needs at least one member");
			}
			this.members = n;
			return this;
		}

		/**
		 * Serves clients over TLS with a generated CA and a server certificate for
		 * 127.0.0.1 and localhost.
		 */
		public Builder tls(boolean on) {
			this.tls = on;
			return this;
		}

		/**
		 * Requires client certificates ({@code --client-cert-auth}); implies
		 * {@link #tls(boolean) tls(true)}.
		 */
		public Builder clientCertAuth(boolean on) {
			this.clientCertAuth = on;
			return this;
		}

		/**
		 * The lifetime of etcd's simple auth tokens ({@code --auth-token-ttl}, whole
		 * seconds, at least 1).
		 */
		public Builder authTokenTtl(Duration ttl) {
			this.authTokenTtl = Objects.requireNonNull(ttl, "ttl");
			return this;
		}

		/**
		 * Extra etcd flags for every member, e.g. {@code "--max-txn-ops=1024"}; they
		 * override the defaults.
		 */
		public Builder arg(String arg) {
			this.args.add(Objects.requireNonNull(arg, "arg"));
			return this;
		}

		/** A cluster with this configuration, not started yet. */
		public EtcdCluster build() {
			return new EtcdCluster(this);
		}

	}

}
