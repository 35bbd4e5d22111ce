package io.github.etcdconfig.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A single etcd member in Docker, for machines without a local etcd binary. The client
 * port is bound to a host port chosen before the start, because etcd must advertise the
 * URL clients use and the official image has no shell to learn a mapped port later.
 */
public class EtcdContainer extends GenericContainer<EtcdContainer> {

	/** The default image, an etcd 3.5 release. */
	public static final DockerImageName DEFAULT_IMAGE = DockerImageName.parse("gcr.io/etcd-development/etcd:v3.5.17");

	/** The client port inside the container. */
	public static final int CLIENT_PORT = 2379;

	private final int hostPort = freePort();

	/** A container of {@link #DEFAULT_IMAGE}. */
	public EtcdContainer() {
		this(DEFAULT_IMAGE);
	}

	/** A container of another etcd image (3.5 or later). */
	public EtcdContainer(DockerImageName image) {
		super(image);
		addFixedExposedPort(hostPort, CLIENT_PORT);
		waitingFor(Wait.forHttp("/health").forPort(CLIENT_PORT).forStatusCode(200));
		withStartupTimeout(Duration.ofSeconds(60));
	}

	/** The client URL on the Docker host, {@code http://host:port}. */
	public URI clientEndpoint() {
		return URI.create("http://" + getHost() + ":" + hostPort);
	}

	@Override
	protected void configure() {
		withCommand("etcd", "--name=etcd0", "--data-dir=/etcd-data",
				"--listen-client-urls=http://0.0.0.0:" + CLIENT_PORT, "--advertise-client-urls=" + clientEndpoint(),
				"--heartbeat-interval=50", "--election-timeout=500", "--bcrypt-cost=4",
				"--experimental-watch-progress-notify-interval=1s");
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot find a free port", e);
		}
	}

}
