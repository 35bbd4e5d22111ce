package io.github.etcdconfig.watch;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.github.etcdconfig.client.EtcdBytes;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMember;
import io.github.etcdconfig.test.EtcdMetrics;
import io.grpc.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * All watches of a client on one gRPC watch stream ({@link EtcdWatchStream}), counted by
 * etcd itself ({@code etcd_debugging_mvcc_watch_stream_total}).
 */
class EtcdWatchStreamTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	private EtcdKeys keys;

	@BeforeEach
	void noStreamLeft() {
		// Streams of the previous test may still be closing; the counts below are
		// absolute.
		await().atMost(WAIT).until(() -> streams() == 0);
		this.keys = new EtcdKeys(etcd.cluster().newClient());
	}

	@AfterEach
	void close() {
		this.keys.close();
	}

	@Test
	void anApplicationOfTheDefaultLayoutHoldsOneWatchStreamAndFollowsBothRanges() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "spring.application.name=shop")) {
			this.keys.put("/config/shared", "1");
			this.keys.put("/config-apps/shop/own", "2");
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(context.getEnvironment().getProperty("shared")).isEqualTo("1");
				assertThat(context.getEnvironment().getProperty("own")).isEqualTo("2");
			});
			// Two ranges of configuration, two of proposals (verified releases).
			assertThat(streams()).isOne();
			assertThat(watchers()).isEqualTo(4);
		}
	}

	@Test
	void withoutTheSharedStreamEachRangeHasItsOwn() {
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "spring.application.name=shop",
				"etcd.config.watch.shared-stream=false")) {
			await().atMost(WAIT).until(() -> streams() == 4);
		}
	}

	@Test
	void anApplicationFollowsEtcdAgainAfterARestartOnOneStream() {
		EtcdMember member = etcd.cluster().member(0);
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "spring.application.name=shop",
				"etcd.config.watch.retry-delay=50ms", "etcd.config.watch.max-retry-delay=500ms")) {
			this.keys.put("/config-apps/shop/own", "before");
			await().atMost(WAIT).until(() -> "before".equals(context.getEnvironment().getProperty("own")));
			member.kill();
			member.start();
			this.keys.put("/config-apps/shop/own", "after");
			this.keys.put("/config/shared", "after");
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(context.getEnvironment().getProperty("own")).isEqualTo("after");
				assertThat(context.getEnvironment().getProperty("shared")).isEqualTo("after");
			});
			await().atMost(WAIT).until(() -> streams() == 1);
		}
	}

	@Test
	void watchesOfOneClientShareOneStreamAndEachReceivesItsOwnRange() {
		try (Client client = etcd.cluster().newClient()) {
			Watch watch = EtcdWatchStream.of(client);
			Recorder a = watching(watch, "/a/", 0);
			Recorder b = watching(watch, "/b/", 0);
			await().atMost(WAIT).until(() -> a.created() && b.created());
			this.keys.put("/a/1", "x");
			this.keys.put("/b/1", "y");
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(a.keys()).containsExactly("/a/1");
				assertThat(b.keys()).containsExactly("/b/1");
			});
			assertThat(streams()).isOne();
			assertThat(watchers()).isEqualTo(2);
		}
	}

	@Test
	void aStreamOpenedInsideAGrpcRequestOutlivesThatRequest() {
		try (Client client = etcd.cluster().newClient()) {
			// As a lock taken in a gRPC server's handler: its context ends with the
			// request.
			Context.CancellableContext request = Context.current().withCancellation();
			Context previous = request.attach();
			Recorder recorder;
			try {
				recorder = watching(EtcdWatchStream.of(client), "/a/", 0);
			}
			finally {
				request.detach(previous);
			}
			await().atMost(WAIT).until(recorder::created);
			request.cancel(null);
			this.keys.put("/a/1", "x");
			await().atMost(WAIT).untilAsserted(() -> assertThat(recorder.keys()).containsExactly("/a/1"));
			assertThat(recorder.errors).isEmpty();
		}
	}

	@Test
	void closingTheLastWatchEndsTheStream() {
		try (Client client = etcd.cluster().newClient()) {
			Recorder recorder = watching(EtcdWatchStream.of(client), "/a/", 0);
			await().atMost(WAIT).until(recorder::created);
			assertThat(streams()).isOne();
			recorder.watcher.close();
			await().atMost(WAIT).until(() -> streams() == 0);
			assertThat(recorder.completed).hasPositiveValue();
		}
	}

	@Test
	void aWatchBehindCompactedHistoryEndsWithTheCompactedRevisionAndTheOthersGoOn() {
		this.keys.put("/c/1", "1");
		long compacted = this.keys.put("/c/1", "2");
		this.keys.compact(compacted);
		try (Client client = etcd.cluster().newClient()) {
			Watch watch = EtcdWatchStream.of(client);
			Recorder other = watching(watch, "/a/", 0);
			Recorder behind = watching(watch, "/c/", 1);
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(behind.errors).singleElement()
					.isInstanceOfSatisfying(CompactedException.class,
							(error) -> assertThat(error.getCompactedRevision()).isEqualTo(compacted)));
			this.keys.put("/a/1", "x");
			await().atMost(WAIT).untilAsserted(() -> assertThat(other.keys()).containsExactly("/a/1"));
			assertThat(other.errors).isEmpty();
		}
	}

	@Test
	void aNamespacedClientWatchesInsideItsNamespace() {
		try (Client client = etcd.cluster().clientBuilder().namespace(EtcdBytes.of("tenant")).build()) {
			Recorder recorder = watching(EtcdWatchStream.of(client), "/a/", 0);
			await().atMost(WAIT).until(recorder::created);
			this.keys.put("/a/outside", "x");
			this.keys.put("tenant/a/inside", "y");
			await().atMost(WAIT).untilAsserted(() -> assertThat(recorder.keys()).containsExactly("/a/inside"));
		}
	}

	@Test
	void aFailedStreamEndsEveryWatchOnItAndTheNextWatchOpensANewOne() {
		EtcdMember member = etcd.cluster().member(0);
		try (Client client = etcd.cluster().newClient()) {
			Watch watch = EtcdWatchStream.of(client);
			Recorder a = watching(watch, "/a/", 0);
			Recorder b = watching(watch, "/b/", 0);
			await().atMost(WAIT).until(() -> a.created() && b.created());
			member.kill();
			await().atMost(WAIT).until(() -> !a.errors.isEmpty() && !b.errors.isEmpty());
			assertThat(a.completed).hasPositiveValue();
			member.start();
			// Until the client has reconnected, a new watch fails as well.
			Recorder again = await().atMost(WAIT).until(() -> {
				Recorder recorder = watching(watch, "/a/", 0);
				await().atMost(WAIT).until(() -> recorder.created() || !recorder.errors.isEmpty());
				return recorder;
			}, Recorder::created);
			this.keys.put("/a/1", "x");
			await().atMost(WAIT).untilAsserted(() -> assertThat(again.keys()).contains("/a/1"));
		}
	}

	@Test
	void aStreamThatFailsAsItOpensTellsItsWatchOnAnotherThreadThanTheCallers() {
		Client client = etcd.cluster().newClient();
		Watch watch = EtcdWatchStream.of(client);
		// gRPC fails a call on a closed channel at once, on the thread that opens it,
		// which holds the stream's lock.
		client.close();
		Recorder recorder = watching(watch, "/a/", 0);
		await().atMost(WAIT).until(() -> recorder.completed.get() > 0);
		assertThat(recorder.errors).hasSize(1);
		assertThat(recorder.threads).isNotEmpty().doesNotContain(Thread.currentThread());
	}

	@Test
	void aClientWhoseChannelCannotBeReachedWatchesThroughJetcdWithAStreamPerWatch() {
		try (Client client = etcd.cluster().newClient()) {
			// Not jetcd's own client class: its internals are out of reach.
			Client wrapped = (Client) Proxy.newProxyInstance(getClass().getClassLoader(),
					new Class<?>[] { Client.class }, (proxy, method, arguments) -> method.invoke(client, arguments));
			Watch watch = EtcdWatchStream.of(wrapped);
			Recorder a = watching(watch, "/a/", 0);
			Recorder b = watching(watch, "/b/", 0);
			await().atMost(WAIT).until(() -> a.created() && b.created());
			assertThat(watch).isSameAs(client.getWatchClient());
			assertThat(streams()).isEqualTo(2);
		}
	}

	@Nested
	class Auth {

		private static final String PASSWORD = "r3ader-Pa55";

		@RegisterExtension
		static EtcdClusterExtension secured = new EtcdClusterExtension(
				EtcdCluster.builder().authTokenTtl(Duration.ofSeconds(2)));

		@BeforeAll
		static void enableAuth() {
			secured.cluster().addUser("reader", PASSWORD, "/a/");
			secured.cluster().enableAuth("root-Pa55");
		}

		@Test
		void aWatchAskedForAfterTheStreamsTokenExpiredGoesToANewStreamAndTheOldWatchesGoOn() {
			try (Client client = secured.cluster().newClient("reader", PASSWORD);
					EtcdKeys root = new EtcdKeys(secured.cluster().newClient())) {
				Watch watch = EtcdWatchStream.of(client);
				Recorder first = watching(watch, "/a/", 0);
				await().atMost(WAIT).until(first::created);
				long created = System.nanoTime();
				// The token the stream opened with expires after 2 s unused.
				await().atMost(WAIT).until(() -> System.nanoTime() - created > Duration.ofSeconds(3).toNanos());
				// As a session does: watch again until etcd confirms.
				Recorder second = await().atMost(WAIT).until(() -> {
					Recorder recorder = watching(watch, "/a/", 0);
					await().atMost(WAIT).until(() -> recorder.created() || !recorder.errors.isEmpty());
					return recorder;
				}, Recorder::created);
				root.put("/a/1", "x");
				await().atMost(WAIT).untilAsserted(() -> {
					assertThat(first.keys()).containsExactly("/a/1");
					assertThat(second.keys()).containsExactly("/a/1");
				});
			}
		}

	}

	// A watch of a prefix from a revision that requires a leader, as the sessions' do.
	private static Recorder watching(Watch watch, String prefix, long revision) {
		WatchOption option = WatchOption.builder()
			.isPrefix(true)
			.withRevision(revision)
			.withRequireLeader(true)
			.withCreateNotify(true)
			.build();
		Recorder recorder = new Recorder();
		recorder.watcher = watch.watch(EtcdBytes.of(prefix), option, recorder);
		return recorder;
	}

	private static long streams() {
		return EtcdMetrics.value(endpoint(), EtcdMetrics.WATCH_STREAMS);
	}

	private static long watchers() {
		return EtcdMetrics.value(endpoint(), EtcdMetrics.WATCHERS);
	}

	private static URI endpoint() {
		return etcd.cluster().clientEndpoints().get(0);
	}

	/**
	 * What a watch heard.
	 */
	static final class Recorder implements Watch.Listener {

		final List<WatchResponse> responses = new CopyOnWriteArrayList<>();

		final List<Throwable> errors = new CopyOnWriteArrayList<>();

		final AtomicInteger completed = new AtomicInteger();

		// Where the watch was told of its end.
		final List<Thread> threads = new CopyOnWriteArrayList<>();

		Watch.Watcher watcher;

		@Override
		public void onNext(WatchResponse response) {
			this.responses.add(response);
		}

		@Override
		public void onError(Throwable throwable) {
			this.threads.add(Thread.currentThread());
			this.errors.add(throwable);
		}

		@Override
		public void onCompleted() {
			this.threads.add(Thread.currentThread());
			this.completed.incrementAndGet();
		}

		boolean created() {
			return this.responses.stream().anyMatch(WatchResponse::isCreatedNotify);
		}

		List<String> keys() {
			return this.responses.stream()
				.flatMap((response) -> response.getEvents().stream())
				.map(WatchEvent::getKeyValue)
				.map((kv) -> kv.getKey().toString(StandardCharsets.UTF_8))
				.toList();
		}

	}

}
