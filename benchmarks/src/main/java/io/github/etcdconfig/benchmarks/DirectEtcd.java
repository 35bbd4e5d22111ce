package io.github.etcdconfig.benchmarks;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;

/**
 * Talks to one etcd member directly, not through the application's proxy, over a gRPC
 * channel of its own for each session: a session opened after an outage connects at once,
 * where a long-lived client would first wait out the reconnect backoff that its failures
 * during the outage built up. Every call has a deadline.
 */
final class DirectEtcd {

	private final URI endpoint;

	DirectEtcd(URI endpoint) {
		this.endpoint = endpoint;
	}

	Session open() {
		return new Session(NettyChannelBuilder.forAddress(this.endpoint.getHost(), this.endpoint.getPort())
			.usePlaintext()
			.build());
	}

	/** One channel, closed with the session. */
	static final class Session implements AutoCloseable {

		private static final Duration DEADLINE = Duration.ofSeconds(5);

		private final ManagedChannel channel;

		private Session(ManagedChannel channel) {
			this.channel = channel;
		}

		/**
		 * etcd's current revision, read with a short deadline: the proof that etcd
		 * answers.
		 * @param deadline how long to wait for the answer
		 * @return the revision
		 */
		long revision(Duration deadline) {
			return stub(deadline)
				.range(RangeRequest.newBuilder().setKey(bytes("/")).setLimit(1).setKeysOnly(true).build())
				.getHeader()
				.getRevision();
		}

		/**
		 * @return the revision of the put
		 */
		long put(String key, String value) {
			return stub(DEADLINE).put(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build())
				.getHeader()
				.getRevision();
		}

		/**
		 * @return the revision after the delete
		 */
		long delete(String key) {
			return stub(DEADLINE).deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes(key)).build())
				.getHeader()
				.getRevision();
		}

		void compact(long revision) {
			stub(DEADLINE).compact(CompactionRequest.newBuilder().setRevision(revision).build());
		}

		private KVGrpc.KVBlockingStub stub(Duration deadline) {
			return KVGrpc.newBlockingStub(this.channel).withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
		}

		private static ByteString bytes(String text) {
			return ByteString.copyFromUtf8(text);
		}

		@Override
		public void close() {
			this.channel.shutdownNow();
			try {
				this.channel.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
