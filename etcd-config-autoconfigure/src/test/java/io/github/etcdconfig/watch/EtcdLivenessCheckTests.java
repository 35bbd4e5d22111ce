package io.github.etcdconfig.watch;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.github.etcdconfig.client.EtcdMemberChoice;
import io.github.etcdconfig.client.HeldChoices;
import io.github.etcdconfig.ranges.EtcdKeyEvent;
import io.github.etcdconfig.ranges.EtcdKeyRange;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EtcdLivenessCheck}: when a check runs, what it asks etcd, and when an
 * unanswered one counts as an outage.
 */
class EtcdLivenessCheckTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final ManualScheduler scheduler = new ManualScheduler();

	// Both kinds of request, in the order sent: a member's status (no options) or a read.
	private final List<CompletableFuture<?>> requests = new ArrayList<>();

	private final List<@Nullable GetOption> options = new ArrayList<>();

	private final List<Long> answers = new ArrayList<>();

	private final AtomicLong responses = new AtomicLong();

	private final List<Throwable> failures = new ArrayList<>();

	// A shared range whose watch received revision 12, and an application's range last
	// known current at 10.
	private final EtcdWatchSession shared = new EtcdWatchSession(EtcdKeyRange.prefix("/config/"), 12,
			new NoCallbacks());

	private final EtcdWatchSession application = new EtcdWatchSession(EtcdKeyRange.prefix("/config-apps/app/"), 10,
			new NoCallbacks());

	private final EtcdLivenessCheck check = new EtcdLivenessCheck(kv()::get, this::status, TIMEOUT, Runnable::run,
			this.scheduler, this.responses::get);

	@Test
	void checksComeAtTheIntervalSpreadByUpToHalfOfItEitherWay() {
		Duration interval = Duration.ofSeconds(30);
		assertThat(EtcdLivenessCheck.nextDelay(interval, 0)).isEqualTo(TimeUnit.SECONDS.toNanos(15));
		assertThat(EtcdLivenessCheck.nextDelay(interval, 0.5)).isEqualTo(TimeUnit.SECONDS.toNanos(30));
		assertThat(EtcdLivenessCheck.nextDelay(interval, Math.nextDown(1.0)))
			.isLessThanOrEqualTo(TimeUnit.SECONDS.toNanos(45));
	}

	@Test
	void aCheckUnansweredWithinTheTimeoutIsAskedOnceMore() {
		this.check.run(List.of(session()), result());
		this.scheduler.advance(TIMEOUT.toNanos());
		assertThat(this.failures).isEmpty();
		assertThat(this.requests).hasSize(2);
	}

	@Test
	void aCheckAnsweredTheSecondTimeIsNoFailure() {
		this.check.run(List.of(session()), result());
		this.scheduler.advance(TIMEOUT.toNanos());
		answer(1, 10);
		this.scheduler.advance(TIMEOUT.toNanos());
		assertThat(this.failures).isEmpty();
		assertThat(this.answers).containsExactly(0L);
	}

	@Test
	void aCheckUnansweredTwiceWithinTheTimeoutIsAFailure() {
		this.check.run(List.of(session()), result());
		this.scheduler.advance(TIMEOUT.toNanos());
		this.scheduler.advance(TIMEOUT.toNanos());
		assertThat(this.failures).singleElement()
			.extracting(Throwable::getMessage)
			.asString()
			.contains("did not answer within 5000 ms");
	}

	@Test
	void theFirstRequestAnsweredLateAfterTheSecondIsDropped() {
		this.check.run(List.of(session()), result());
		this.scheduler.advance(TIMEOUT.toNanos());
		answer(1, 10);
		answer(0, 10);
		assertThat(this.answers).containsExactly(0L);
	}

	@Test
	void aCheckEndedByItsDeadlineBeforeTheTimeoutPassedIsAskedOnceMore() {
		this.check.run(List.of(session()), result());
		this.requests.get(0)
			.completeExceptionally(EtcdExceptionFactory.newEtcdException(ErrorCode.DEADLINE_EXCEEDED,
					"deadline exceeded after 4.999s"));
		assertThat(this.failures).isEmpty();
		assertThat(this.requests).hasSize(2);
	}

	@Test
	void aCheckThatFindsNoMemberAvailableTwiceFailsWithEtcdsAnswer() {
		this.check.run(List.of(session()), result());
		this.requests.get(0)
			.completeExceptionally(EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE, "connection refused"));
		this.requests.get(1)
			.completeExceptionally(EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE, "connection refused"));
		assertThat(this.failures).singleElement()
			.extracting(Throwable::getMessage)
			.asString()
			.contains("connection refused");
	}

	@Test
	void aCheckUnansweredWhileWatchResponsesArriveIsNoFailure() {
		this.check.run(List.of(session()), result());
		this.responses.incrementAndGet();
		this.scheduler.advance(TIMEOUT.toNanos());
		assertThat(this.failures).isEmpty();
	}

	@Test
	void noOtherCheckIsSentWhileOneIsUnanswered() {
		assertThat(this.check.run(List.of(session()), result())).isTrue();
		this.scheduler.advance(TIMEOUT.toNanos());
		this.scheduler.advance(TIMEOUT.toNanos());
		assertThat(this.check.run(List.of(session()), result())).isFalse();
		assertThat(this.requests).hasSize(2);
	}

	@Test
	void aCheckWithNothingWrittenSinceTheLastEventReadsEtcdsRevisionAlone() {
		EtcdWatchSession session = session();
		this.check.run(List.of(session), result());
		answer(0, 10);
		assertThat(this.options).containsExactly((GetOption) null);
		assertThat(this.answers).containsExactly(0L);
	}

	@Test
	void aRangeIsReadWhenEtcdsRevisionMovedPastWhatItsWatchReceived() {
		this.check.run(List.of(session()), result());
		answer(0, 12);
		assertThat(this.options).hasSize(2);
		assertThat(this.options.get(1).getMinModRevision()).isEqualTo(11);
		answer(1, 12, 12);
		assertThat(this.answers).containsExactly(12L);
	}

	@Test
	void aRangeFoundWithNothingMissedIsNotReadAgainUntilEtcdsRevisionMovesOn() {
		EtcdWatchSession session = session();
		this.check.run(List.of(session), result());
		answer(0, 12);
		answer(1, 12);
		this.check.run(List.of(session), result());
		answer(2, 12);
		assertThat(this.options).hasSize(3);
		this.check.run(List.of(session), result());
		answer(3, 13);
		assertThat(this.options).hasSize(5);
		assertThat(this.answers).containsExactly(0L, 0L);
	}

	@Test
	void aRangeBehindWhatAnotherRangeReceivedIsReadWithoutAskingEtcdsRevisionFirst() {
		this.check.run(List.of(this.shared, this.application), result());
		assertThat(this.options).singleElement().satisfies((option) -> {
			assertThat(option).isNotNull();
			assertThat(option.getMinModRevision()).isEqualTo(11);
		});
		answer(0, 12);
		assertThat(this.options).hasSize(1);
		assertThat(this.answers).containsExactly(0L, 0L);
		assertThat(this.application.currentAt()).isEqualTo(12);
	}

	@Test
	void theOtherRangesAreReadWhenTheAnswerOfTheRangeBehindShowsEtcdMovedPastThem() {
		this.check.run(List.of(this.shared, this.application), result());
		answer(0, 14);
		assertThat(this.options).hasSize(2);
		assertThat(this.options.get(1).getMinModRevision()).isEqualTo(13);
	}

	@Test
	void etcdsRevisionIsTheStatusOfTheMemberThatReceivesTheCheckAndTheRangeIsReadAtThatRevision() {
		EtcdWatchSession session = session();
		this.check.run(List.of(session), result());
		answer(0, 12);
		answer(1, 12);
		this.check.run(List.of(session), result());
		assertThat(this.options).hasSize(3);
		assertThat(this.options.get(0)).isNull();
		assertThat(this.options.get(2)).isNull();
		GetOption read = this.options.get(1);
		assertThat(read).isNotNull();
		assertThat(read.getRevision()).isEqualTo(12);
		assertThat(read.isSerializable()).isTrue();
		assertThat(read.getMaxModRevision()).isZero();
	}

	@Test
	void aRangeBehindIsReadAtTheRevisionAnotherRangeReceived() {
		this.check.run(List.of(this.shared, this.application), result());
		assertThat(this.options).singleElement().satisfies((option) -> {
			assertThat(option.getRevision()).isEqualTo(12);
			assertThat(option.isSerializable()).isTrue();
		});
	}

	@Test
	void aRangeFoundWithNothingMissedIsCurrentAtTheRevisionItWasReadAtNotTheMembersLaterOne() {
		this.check.run(List.of(this.shared, this.application), result());
		answer(0, 14);
		assertThat(this.application.currentAt()).isEqualTo(12);
	}

	@Test
	void aRangeThatEtcdsGrpcProxyCannotReadAtThatRevisionIsReadAtEtcdsCurrentRevision() {
		this.check.run(List.of(this.shared, this.application), result());
		// The proxy passes the member's OUT_OF_RANGE on as UNKNOWN.
		this.requests.get(0)
			.completeExceptionally(
					Status.UNKNOWN.withDescription("etcdserver: mvcc: required revision is a future revision")
						.asRuntimeException());
		assertThat(this.options).hasSize(2);
		assertThat(this.options.get(1).getRevision()).isZero();
		assertThat(this.failures).isEmpty();
	}

	@Test
	void aRangeThatTheMemberCannotReadAtThatRevisionIsReadAtEtcdsCurrentRevision() {
		this.check.run(List.of(this.shared, this.application), result());
		this.requests.get(0)
			.completeExceptionally(EtcdExceptionFactory.newEtcdException(ErrorCode.OUT_OF_RANGE,
					"etcdserver: mvcc: required revision is a future revision"));
		assertThat(this.options).hasSize(2);
		assertThat(this.options.get(1).getRevision()).isZero();
		assertThat(this.options.get(1).isSerializable()).isFalse();
		answer(1, 12);
		assertThat(this.failures).isEmpty();
		assertThat(this.answers).containsExactly(0L, 0L);
		assertThat(this.application.currentAt()).isEqualTo(12);
	}

	@Test
	void aMemberWithoutALeaderIsAskedOfTheNextMemberBeforeTheCheckFails() {
		this.check.run(List.of(session()), result());
		// As EtcdRevisionRequest.applied reports it.
		this.requests.get(0)
			.completeExceptionally(
					EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE, "etcd member 1 has no leader"));
		assertThat(this.failures).isEmpty();
		this.requests.get(1)
			.completeExceptionally(
					EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE, "etcd member 2 has no leader"));
		assertThat(this.failures).singleElement()
			.extracting(Throwable::getMessage)
			.isEqualTo("etcd member 2 has no leader");
	}

	@Test
	void aRequestEndedByItsDeadlineWhileWatchResponsesArriveIsNeitherAskedAgainNorAFailure() {
		this.check.run(List.of(session()), result());
		this.responses.incrementAndGet();
		this.requests.get(0)
			.completeExceptionally(EtcdExceptionFactory.newEtcdException(ErrorCode.DEADLINE_EXCEEDED,
					"deadline exceeded after 4.999s"));
		assertThat(this.requests).hasSize(1);
		assertThat(this.failures).isEmpty();
		assertThat(this.check.run(List.of(session()), result())).isTrue();
	}

	@Test
	void aCheckWithinAnIntervalOfAnotherWatchersAnswerOnTheSameClientAsksNothing() {
		EtcdClientAnswers shared = new EtcdClientAnswers();
		EtcdLivenessCheck configuration = sharing(shared);
		EtcdLivenessCheck discovery = sharing(shared);
		configuration.run(List.of(session()), result());
		answer(0, 10);
		discovery.run(List.of(session()), result());
		assertThat(this.options).hasSize(1);
		assertThat(this.answers).containsExactly(0L, 0L);
	}

	@Test
	void aCheckDoesNotTakeItsOwnEarlierAnswer() {
		EtcdLivenessCheck alone = sharing(new EtcdClientAnswers());
		alone.run(List.of(session()), result());
		answer(0, 10);
		alone.run(List.of(session()), result());
		assertThat(this.options).hasSize(2);
	}

	@Test
	void whileEtcdIsTakenForUnreachableItsRevisionIsAskedThroughTheLeader() {
		this.check.run(List.of(this.shared, this.application), result(), true);
		assertThat(this.options).singleElement().satisfies((option) -> {
			assertThat(option.isCountOnly()).isTrue();
			assertThat(option.isSerializable()).isFalse();
		});
	}

	@Test
	void aMemberThatLagsBehindWhatTheWatchReceivedFindsNothingMissed() {
		EtcdWatchSession session = session();
		this.check.run(List.of(session), result());
		answer(0, 7);
		assertThat(this.options).hasSize(1);
		assertThat(this.answers).containsExactly(0L);
		assertThat(session.currentAt()).isEqualTo(10);
	}

	@Test
	void anAnsweredCheckLeavesNoTimeoutToWakeUpFor() {
		this.check.run(List.of(session()), result());
		assertThat(this.scheduler.pending()).isOne();
		answer(0, 10);
		assertThat(this.scheduler.pending()).isZero();
	}

	@Test
	void aClientHeldToOneMemberAsksEtcdsRevisionThroughTheLeaderAtEveryFourthCheck() {
		EtcdLivenessCheck held = heldTo(HeldChoices.ofThreeMembers());
		for (int i = 0; i < 8; i++) {
			held.run(List.of(session()), result());
			answer(i, 10);
		}
		assertThat(this.options)
			.extracting((option) -> option != null && option.isCountOnly() && !option.isSerializable())
			.containsExactly(false, false, false, true, false, false, false, true);
		assertThat(this.failures).isEmpty();
	}

	@Test
	void aClientThatSpreadsItsCallsOverTheMembersAsksThemTheirStatusAtEveryCheck() {
		for (int i = 0; i < 8; i++) {
			this.check.run(List.of(session()), result());
			answer(i, 10);
		}
		assertThat(this.options).containsOnlyNulls().hasSize(8);
	}

	@Test
	void aHeldClientWhoseMemberDoesNotAnswerThroughTheLeaderMovesToTheNextMemberAndAsksThere() {
		EtcdMemberChoice choice = HeldChoices.ofThreeMembers();
		EtcdLivenessCheck held = heldTo(choice);
		for (int i = 0; i < 3; i++) {
			held.run(List.of(session()), result());
			answer(i, 10);
		}
		held.run(List.of(session()), result());
		this.scheduler.advance(TIMEOUT.toNanos());
		assertThat(choice.current()).isOne();
		answer(4, 10);
		assertThat(this.options.subList(3, 5)).allSatisfy((option) -> assertThat(option.isSerializable()).isFalse());
		assertThat(this.answers).hasSize(4);
		assertThat(this.failures).isEmpty();
	}

	private EtcdLivenessCheck heldTo(EtcdMemberChoice choice) {
		return check(new EtcdClientAnswers(), Duration.ZERO, choice);
	}

	private EtcdLivenessCheck sharing(EtcdClientAnswers answers) {
		return check(answers, Duration.ofMinutes(1), EtcdMemberChoice.roundRobin());
	}

	private EtcdLivenessCheck check(EtcdClientAnswers answers, Duration reuse, EtcdMemberChoice choice) {
		return new EtcdLivenessCheck(kv()::get, this::status, TIMEOUT, Runnable::run, this.scheduler,
				this.responses::get, answers, reuse, choice);
	}

	@SuppressWarnings("unchecked")
	private void answer(int request, long etcdRevision, long... modRevisions) {
		if (this.options.get(request) == null) {
			((CompletableFuture<Long>) this.requests.get(request)).complete(etcdRevision);
			return;
		}
		RangeResponse.Builder response = RangeResponse.newBuilder()
			.setHeader(ResponseHeader.newBuilder().setRevision(etcdRevision));
		for (long modRevision : modRevisions) {
			response.addKvs(io.etcd.jetcd.api.KeyValue.newBuilder()
				.setKey(ByteString.copyFromUtf8("/config/a"))
				.setModRevision(modRevision));
		}
		((CompletableFuture<GetResponse>) this.requests.get(request))
			.complete(new GetResponse(response.build(), ByteSequence.EMPTY));
	}

	private EtcdWatchSession session() {
		return new EtcdWatchSession(EtcdKeyRange.prefix("/config/"), 10, new NoCallbacks());
	}

	private EtcdLivenessCheck.Result result() {
		return new EtcdLivenessCheck.Result() {

			@Override
			public void answered(EtcdWatchSession session, long etcdRevision, long newest) {
				EtcdLivenessCheckTests.this.answers.add(newest);
			}

			@Override
			public void failed(EtcdWatchSession session, Throwable error) {
				EtcdLivenessCheckTests.this.failures.add(error);
			}

		};
	}

	// A member's status, unanswered until the test completes it.
	private CompletableFuture<Long> status(ByteSequence key) {
		CompletableFuture<Long> request = new CompletableFuture<>();
		this.requests.add(request);
		this.options.add(null);
		return request;
	}

	// A KV whose gets stay unanswered until the test completes them.
	private KV kv() {
		return (KV) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { KV.class },
				(proxy, method, args) -> {
					if (!method.getName().equals("get")) {
						throw new UnsupportedOperationException(method.getName());
					}
					CompletableFuture<GetResponse> request = new CompletableFuture<>();
					this.requests.add(request);
					this.options.add((GetOption) args[1]);
					return request;
				});
	}

	/**
	 * Callbacks of a session that is not opened.
	 */
	static final class NoCallbacks implements EtcdWatchSession.Callbacks {

		@Override
		public void watching(EtcdWatchSession session) {
		}

		@Override
		public void events(List<EtcdKeyEvent> events, long revision) {
		}

		@Override
		public void broken(EtcdWatchSession session, Throwable error) {
		}

		@Override
		public void compacted(EtcdWatchSession session, long compactedRevision) {
		}

	}

}
