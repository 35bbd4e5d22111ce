package io.github.etcdconfig.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.github.etcdconfig.ranges.EtcdConfigReader;
import io.github.etcdconfig.ranges.EtcdKeyEvent;
import io.github.etcdconfig.ranges.EtcdKeyRange;
import io.github.etcdconfig.support.LaggingMember;
import io.github.etcdconfig.support.SteadyWriter;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMember;
import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The start-up read on a 3-member cluster: one linearizable request for etcd's revision,
 * then pages pinned to it and served by whichever member they reach, without the leader;
 * a member that has not applied the revision yet sends the page again linearizable; and
 * an application is never ready with values older than etcd's when it started.
 */
class EtcdStartupReadsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension(EtcdCluster.builder().members(3));

	private Client client;

	private EtcdKeys keys;

	@BeforeEach
	void seed() {
		this.client = etcd.cluster().newClient();
		this.keys = new EtcdKeys(this.client);
		this.keys.deletePrefix("/config/");
		this.keys.deletePrefix("/filler/");
		String[] batch = new String[100];
		for (int i = 0; i < 50; i++) {
			batch[2 * i] = String.format("/config/startup/key-%02d", i);
			batch[2 * i + 1] = "value-" + i;
		}
		this.keys.putAll(batch);
	}

	@AfterEach
	void resumeMembers() {
		etcd.cluster().members().stream().filter(EtcdMember::isPaused).forEach(EtcdMember::resume);
		await().atMost(TIMEOUT).ignoreExceptions().until(() -> etcd.cluster().leader() != null);
		this.client.close();
	}

	@Test
	void onceEtcdsRevisionIsReadThePagesNeedNoOtherMember() throws Exception {
		EtcdMember follower = follower();
		List<EtcdMember> others = etcd.cluster().members().stream().filter((member) -> member != follower).toList();
		try (Client followerClient = clientOf(follower)) {
			// Once the linearizable request has its answer, the follower is alone: a
			// linearizable page would wait for a leader that does not answer.
			KV kv = calls(followerClient.getKVClient(), (call) -> followerClient.getKVClient(), (call) -> {
				if (call == 1) {
					others.forEach(EtcdMember::pause);
				}
			});
			EtcdConfigReader.Result read = new EtcdConfigReader(kv, Duration.ofSeconds(5), 10)
				.read(List.of(EtcdKeyRange.prefix("/config/startup/")));
			assertThat(values(read)).hasSize(50).containsEntry("/config/startup/key-49", "value-49");
			assertThat(others).allMatch(EtcdMember::isPaused);
		}
	}

	@Test
	void aPageTheMemberHasNotAppliedYetIsReadAgainLinearizable() throws Exception {
		EtcdMember leader = etcd.cluster().leader();
		EtcdMember lagging = follower();
		List<EtcdMember> others = etcd.cluster().members().stream().filter((member) -> member != lagging).toList();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		try (Client leaderClient = clientOf(leader); Client laggingClient = clientOf(lagging)) {
			EtcdKeys writer = new EtcdKeys(leaderClient);
			// It cannot read its way up to the put below once it runs again.
			LaggingMember.leaveBehind(lagging, writer);
			long written = writer.put("/config/startup/key-00", "written while a member lagged");
			// The revision from the leader; the pages from the member that missed the
			// put, which cannot catch up until the first page has failed.
			KV kv = calls(leaderClient.getKVClient(),
					(call) -> (call == 1) ? leaderClient.getKVClient() : laggingClient.getKVClient(), (call) -> {
						if (call == 1) {
							others.forEach(EtcdMember::pause);
							lagging.resume();
						}
					});
			KV recording = recordFirstPageFailure(kv, failures, others);
			EtcdConfigReader.Result read = new EtcdConfigReader(recording, TIMEOUT, 10)
				.read(List.of(EtcdKeyRange.prefix("/config/startup/")));
			assertThat(read.revision()).isGreaterThanOrEqualTo(written);
			assertThat(values(read)).hasSize(50)
				.containsEntry("/config/startup/key-00", "written while a member lagged");
		}
		// What etcd 3.4 answers for a revision the member has not applied.
		assertThat(failures).singleElement().satisfies((failure) -> {
			Status status = Status.fromThrowable(failure);
			assertThat(status.getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
			assertThat(status.getDescription()).isEqualTo("etcdserver: mvcc: required revision is a future revision");
		});
	}

	@Test
	void anApplicationIsReadyWithEveryChangeAcknowledgedBeforeItStarted() {
		try (Client writing = etcd.cluster().newClient();
				SteadyWriter writer = new SteadyWriter(writing, "/config/startup/counter")) {
			await().atMost(TIMEOUT).until(() -> writer.acknowledged() > 0);
			for (int start = 0; start < 3; start++) {
				long acknowledged = writer.acknowledged();
				try (ConfigurableApplicationContext context = Apps.run(etcd.cluster())) {
					assertThat(Long.parseLong(context.getEnvironment().getProperty("startup.counter")))
						.isGreaterThanOrEqualTo(acknowledged);
				}
			}
		}
	}

	private static EtcdMember follower() {
		EtcdMember leader = etcd.cluster().leader();
		return etcd.cluster().members().stream().filter((member) -> member != leader).findFirst().orElseThrow();
	}

	private static Client clientOf(EtcdMember member) {
		return Client.builder().endpoints(member.clientEndpoint()).build();
	}

	private static Map<String, String> values(EtcdConfigReader.Result read) {
		Map<String, String> values = new TreeMap<>();
		for (EtcdKeyEvent key : read.keys()) {
			values.put(new String(key.key()), new String(key.value()));
		}
		return values;
	}

	/**
	 * A KV whose n-th get (from 1) goes to the KV chosen for it, and which runs an action
	 * once that get has its answer. Test plumbing: it waits for the answer on the
	 * caller's thread, never on jetcd's.
	 */
	private static KV calls(KV other, IntFunction<KV> target, java.util.function.IntConsumer answered) {
		AtomicInteger gets = new AtomicInteger();
		return (KV) Proxy.newProxyInstance(KV.class.getClassLoader(), new Class<?>[] { KV.class },
				(proxy, method, args) -> {
					if (!method.getName().equals("get")) {
						return invoke(method, other, args);
					}
					int call = gets.incrementAndGet();
					CompletableFuture<?> result = (CompletableFuture<?>) invoke(method, target.apply(call), args);
					result.handle((response, error) -> null).join();
					answered.accept(call);
					return result;
				});
	}

	// Keeps what the first page failed with, then lets the paused members run again.
	private static KV recordFirstPageFailure(KV kv, List<Throwable> failures, List<EtcdMember> paused) {
		AtomicInteger gets = new AtomicInteger();
		return (KV) Proxy.newProxyInstance(KV.class.getClassLoader(), new Class<?>[] { KV.class },
				(proxy, method, args) -> {
					CompletableFuture<?> result = (CompletableFuture<?>) invoke(method, kv, args);
					if (method.getName().equals("get") && gets.incrementAndGet() == 2) {
						result.handle((response, error) -> (error != null) ? failures.add(error) : null).join();
						paused.forEach(EtcdMember::resume);
					}
					return result;
				});
	}

	private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

}
