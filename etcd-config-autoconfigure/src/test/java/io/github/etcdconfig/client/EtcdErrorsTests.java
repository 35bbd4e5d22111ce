package io.github.etcdconfig.client;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Kinds of etcd failure as real etcd and jetcd report them, decided by status and type,
 * never by message text.
 */
class EtcdErrorsTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	private static Throwable failureOf(CompletableFuture<?> call) {
		return catchThrowable(() -> call.get(10, TimeUnit.SECONDS));
	}

	@Test
	void aLeaseEtcdDoesNotKnowIsNotFoundWhetherKeptAliveOrRevoked() {
		try (Client client = etcd.cluster().newClient()) {
			long unknown = 0x7eadbeefL;
			Throwable keepAlive = failureOf(client.getLeaseClient().keepAliveOnce(unknown));
			Throwable revoke = failureOf(client.getLeaseClient().revoke(unknown));
			assertThat(EtcdErrors.isLeaseNotFound(keepAlive)).as(String.valueOf(keepAlive)).isTrue();
			assertThat(EtcdErrors.isLeaseNotFound(revoke)).as(String.valueOf(revoke)).isTrue();
			assertThat(EtcdErrors.isRetryable(revoke)).isTrue();
		}
	}

	@Test
	void anEtcdThatDoesNotListenIsUnreachableAndWorthAnotherTry() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		try (Client client = Client.builder()
			.endpoints(URI.create("http://127.0.0.1:" + port))
			.waitForReady(false)
			.build()) {
			Throwable failure = failureOf(client.getKVClient().get(EtcdBytes.of("/config/")));
			assertThat(EtcdErrors.kind(failure)).as(String.valueOf(failure)).isEqualTo(EtcdErrors.Kind.UNREACHABLE);
			assertThat(EtcdErrors.isRetryable(failure)).isTrue();
		}
	}

	@Test
	void aCompactedHistoryIsCompacted() {
		assertThat(EtcdErrors.kind(EtcdExceptionFactory.newCompactedException(42)))
			.isEqualTo(EtcdErrors.Kind.COMPACTED);
	}

	@Test
	void aCallHeldBackByAnAuthTokenEtcdRefusedIsDeniedAndNamesTheCredentialSettings() {
		// As jetcd reports it: the call's UNAUTHENTICATED, with the token request that
		// etcd refused as its cause.
		Status refused = Status.INVALID_ARGUMENT
			.withDescription("etcdserver: authentication failed, invalid user ID or password");
		Throwable failure = EtcdExceptionFactory
			.toEtcdException(Status.UNAUTHENTICATED.withCause(refused.asRuntimeException()).asRuntimeException());
		assertThat(EtcdErrors.kind(failure)).isEqualTo(EtcdErrors.Kind.ACCESS_DENIED);
		assertThat(EtcdErrors.describe(failure, null))
			.isEqualTo("UNAUTHENTICATED: INVALID_ARGUMENT: etcdserver: authentication failed, invalid user ID or "
					+ "password (check etcd.username and etcd.password)");
	}

	@Test
	void aCallHeldBackByAnAuthTokenRequestThatGotNoAnswerIsUnreachableNotACredentialsProblem() {
		Status noLeader = Status.UNAVAILABLE.withDescription("etcdserver: no leader");
		Throwable failure = EtcdExceptionFactory
			.toEtcdException(Status.UNAUTHENTICATED.withCause(noLeader.asRuntimeException()).asRuntimeException());
		Throwable asJetcdsKvReportsIt = Status.UNAUTHENTICATED.withCause(noLeader.asRuntimeException())
			.asRuntimeException();
		assertThat(EtcdErrors.kind(failure)).isEqualTo(EtcdErrors.Kind.UNREACHABLE);
		assertThat(EtcdErrors.kind(asJetcdsKvReportsIt)).isEqualTo(EtcdErrors.Kind.UNREACHABLE);
		assertThat(EtcdErrors.describe(failure, null)).isEqualTo("UNAVAILABLE: etcdserver: no leader");
	}

	@Test
	void aDeadlineThatPassedIsUnreachableAndSaysWhichSetting() {
		Throwable timeout = catchThrowable(() -> new CompletableFuture<>().get(1, TimeUnit.MILLISECONDS));
		assertThat(EtcdErrors.kind(timeout)).isEqualTo(EtcdErrors.Kind.UNREACHABLE);
		assertThat(EtcdErrors.describe(timeout, Duration.ofSeconds(5)))
			.isEqualTo("no answer within 5000 ms (etcd.request-timeout)");
	}

}
