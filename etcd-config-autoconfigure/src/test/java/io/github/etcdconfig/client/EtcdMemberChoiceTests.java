package io.github.etcdconfig.client;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.etcd.jetcd.options.WatchOption;
import io.github.etcdconfig.ranges.EtcdConfigReader;
import io.github.etcdconfig.ranges.EtcdKeyRange;
import io.github.etcdconfig.ranges.EtcdRevisionRequest;
import io.github.etcdconfig.support.OneMemberClients;
import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdMember;
import io.github.etcdconfig.test.EtcdMetrics;
import io.github.etcdconfig.watch.EtcdWatchStream;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client made with {@code etcd.load-balancing=one-member}, against a real 3-member
 * cluster.
 */
class EtcdMemberChoiceTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	private static final ByteSequence KEY = EtcdBytes.of("/config/member/key");

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension(EtcdCluster.builder().members(3));

	@AfterEach
	void restoreMembers() {
		etcd.cluster().members().stream().filter(EtcdMember::isPaused).forEach(EtcdMember::resume);
		etcd.cluster().members().stream().filter((member) -> !member.isRunning()).forEach(EtcdMember::start);
		await().atMost(TIMEOUT).ignoreExceptions().until(() -> etcd.cluster().leader() != null);
	}

	@Test
	void aClientHeldToOneMemberSendsEveryReadToThatMember() throws Exception {
		try (Client client = oneMemberClient()) {
			EtcdMember chosen = chosen(client);
			Map<EtcdMember, Long> before = rangesServed();
			for (int i = 0; i < 10; i++) {
				client.getKVClient().get(KEY).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			}
			Map<EtcdMember, Long> after = rangesServed();
			etcd.cluster()
				.members()
				.forEach((member) -> assertThat(after.get(member) - before.get(member)).as(member.name())
					.isEqualTo((member == chosen) ? 10 : 0));
		}
	}

	@Test
	void aClientWhoseMemberStopsMovesToTheNextMember() {
		try (Client client = oneMemberClient()) {
			EtcdMember first = chosen(client);
			first.stop();
			await().atMost(TIMEOUT)
				.ignoreExceptions()
				.until(() -> client.getKVClient().get(KEY).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS) != null);
			assertThat(chosen(client)).isNotSameAs(first);
		}
	}

	@Test
	void aClientWhoseMemberHangsMovesToTheNextMemberWhenARequestIsNotAnsweredByItsDeadline() {
		try (Client client = oneMemberClient()) {
			Function<ByteSequence, CompletableFuture<Long>> revision = EtcdRevisionRequest.applied(client,
					Duration.ofSeconds(1));
			EtcdMember first = chosen(client);
			first.pause();
			await().atMost(TIMEOUT)
				.ignoreExceptions()
				.until(() -> revision.apply(KEY).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS) > 0);
			assertThat(chosen(client)).isNotSameAs(first);
		}
	}

	@Test
	void callsMadeTheMomentAMoveIsDoneGoToTheNextMember() throws Exception {
		Map<Integer, Long> memberIds = new HashMap<>();
		for (EtcdMember member : etcd.cluster().members()) {
			try (Client alone = Client.builder().endpoints(member.clientEndpoint()).build()) {
				memberIds.put(member.clientEndpoint().getPort(),
						alone.getKVClient()
							.get(KEY)
							.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
							.getHeader()
							.getMemberId());
			}
		}
		try (Client client = oneMemberClient()) {
			EtcdMemberChoice choice = EtcdMemberChoice.of(client);
			EtcdClientInternals internals = EtcdClientInternals.of(client);
			client.getKVClient().get(KEY).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			BlockingQueue<Long> answeredBy = new LinkedBlockingQueue<>();
			// Sent on the thread that completes the move, as soon as it does: as
			// a stream's owner opens it again on the next member.
			choice.whenMoved(() -> internals.newStub(MaintenanceGrpc::newStub)
				.withDeadlineAfter(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
				.status(StatusRequest.getDefaultInstance(), new StreamObserver<>() {

					@Override
					public void onNext(StatusResponse response) {
						answeredBy.add(response.getHeader().getMemberId());
					}

					@Override
					public void onError(Throwable error) {
						answeredBy.add(0L);
					}

					@Override
					public void onCompleted() {
					}

				}));
			// The moves go round the members; each answer must come from the member
			// moved to.
			for (int move = 0; move < 12; move++) {
				choice.leave(choice.current(), "was asked to").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
				long expected = memberIds.get(choice.chosen().getPort());
				assertThat(answeredBy.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("move %d", move)
					.isEqualTo(expected);
			}
		}
	}

	@Test
	void aLoadThroughAClientThatChoseAHungMemberMovesToTheNextMemberAndReadsThere() {
		EtcdMember hung = etcd.cluster().member(0);
		hung.pause();
		List<Client> clients = IntStream.range(0, 30).mapToObj((i) -> oneMemberClient()).toList();
		try {
			Client client = clients.stream().filter((each) -> chosen(each) == hung).findFirst().orElseThrow();
			EtcdConfigReader reader = new EtcdConfigReader(client.getKVClient(), Duration.ofSeconds(1), 10,
					EtcdMemberChoice.of(client));
			// Attempts of one load, as the start-up makes them: the client moves after
			// two
			// reads in a row went unanswered.
			EtcdConfigReader.Progress progress = new EtcdConfigReader.Progress();
			await().atMost(TIMEOUT)
				.ignoreExceptions()
				.until(() -> reader.read(List.of(EtcdKeyRange.prefix("/config/")), (key) -> {
				}, progress) > 0);
			assertThat(chosen(client)).isNotSameAs(hung);
		}
		finally {
			clients.forEach(Client::close);
		}
	}

	@Test
	void callsThatFailOnOneMemberMoveTheClientOnce() throws Exception {
		try (Client client = oneMemberClient()) {
			EtcdMemberChoice choice = EtcdMemberChoice.of(client);
			client.getKVClient().get(KEY).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			int first = choice.current();
			CompletableFuture<Void> moved = choice.leave(first, "was asked to");
			CompletableFuture<Void> again = choice.leave(first, "was asked to again");
			again.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			assertThat(moved).isDone();
			assertThat(choice.current()).isEqualTo(first + 1);
		}
	}

	@Test
	void clientsOfOneFleetSpreadOverTheMembers() {
		List<Client> clients = IntStream.range(0, 30).mapToObj((i) -> oneMemberClient()).toList();
		try {
			assertThat(clients.stream().map(this::chosen).distinct()).hasSize(3);
		}
		finally {
			clients.forEach(Client::close);
		}
	}

	@Test
	void aWatchStreamLeavesTheMemberWithTheClientAndItsWatchesEndForTheirOwnersToWatchAgain() throws Exception {
		try (Client client = oneMemberClient()) {
			EtcdMemberChoice choice = EtcdMemberChoice.of(client);
			EtcdMember first = chosen(client);
			long streamsBefore = watchStreams(first);
			List<Throwable> errors = new CopyOnWriteArrayList<>();
			Watch watch = EtcdWatchStream.of(client);
			WatchOption option = WatchOption.builder().withRequireLeader(true).build();
			watch.watch(KEY, option, Watch.listener((response) -> {
			}, errors::add));
			await().atMost(TIMEOUT).until(() -> watchStreams(first) == streamsBefore + 1);

			choice.leave(choice.current(), "was asked to").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

			EtcdMember next = chosen(client);
			long nextBefore = watchStreams(next);
			await().atMost(TIMEOUT).until(() -> watchStreams(first) == streamsBefore);
			assertThat(errors).singleElement()
				.satisfies((error) -> assertThat(error).hasMessageContaining("moved to another etcd member"));
			watch.watch(KEY, option, Watch.listener((response) -> {
			}));
			await().atMost(TIMEOUT).until(() -> watchStreams(next) == nextBefore + 1);
		}
	}

	@Test
	void closingAClientWithAWatchOpenDoesNotMoveIt() throws Exception {
		Client client = oneMemberClient();
		EtcdMemberChoice choice = EtcdMemberChoice.of(client);
		client.getKVClient().get(KEY).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		client.getWatchClient().watch(KEY, (response) -> {
		});
		int before = choice.current();
		client.close();
		assertThat(choice.current()).isEqualTo(before);
	}

	@Test
	void aRoundRobinClientHasAChoiceThatNeverMoves() {
		try (Client client = etcd.cluster().newClient()) {
			EtcdMemberChoice choice = EtcdMemberChoice.of(client);
			choice.leave(choice.current(), "was asked to");
			assertThat(choice.current()).isZero();
			assertThat(choice.chosen()).isNull();
		}
	}

	@Test
	void anEndpointWithoutAPortIsTakenAtEtcdsClientPort() {
		EtcdMemberChoice choice = EtcdMemberChoice.shuffled(List.of(URI.create("http://etcd-1")));
		assertThat(choice.chosen()).isEqualTo(InetSocketAddress.createUnresolved("etcd-1", 2379));
	}

	private Client oneMemberClient() {
		return OneMemberClients.create(etcd.cluster());
	}

	private static long watchStreams(EtcdMember member) {
		return EtcdMetrics.value(member.clientEndpoint(), EtcdMetrics.WATCH_STREAMS);
	}

	private EtcdMember chosen(Client client) {
		return OneMemberClients.chosen(etcd.cluster(), EtcdMemberChoice.of(client));
	}

	private Map<EtcdMember, Long> rangesServed() {
		return etcd.cluster()
			.members()
			.stream()
			.collect(Collectors.toMap(Function.identity(), EtcdMember::rangesServed));
	}

}
