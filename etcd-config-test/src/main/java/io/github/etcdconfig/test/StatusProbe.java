package io.github.etcdconfig.test;

import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks one member for its Maintenance status over a throw-away gRPC channel with a hard
 * deadline. A fresh channel per probe avoids gRPC's reconnect back-off (up to seconds)
 * while a member is still starting, and the deadline keeps a paused member from blocking
 * the caller. The status call needs no credentials, even with auth enabled.
 */
final class StatusProbe {

	static final Duration TIMEOUT = Duration.ofMillis(500);

	private StatusProbe() {
	}

	static Optional<StatusResponse> status(URI endpoint, SslContext sslContext) {
		NettyChannelBuilder builder = NettyChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort());
		if (sslContext != null) {
			builder.sslContext(sslContext);
		}
		else {
			builder.usePlaintext();
		}
		ManagedChannel channel = builder.build();
		try {
			return Optional.of(MaintenanceGrpc.newBlockingStub(channel)
				.withDeadlineAfter(TIMEOUT)
				.status(StatusRequest.getDefaultInstance()));
		}
		catch (StatusRuntimeException e) {
			return Optional.empty();
		}
		finally {
			channel.shutdownNow();
		}
	}

}
