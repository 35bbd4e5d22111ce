package io.github.etcdconfig.watch;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.github.etcdconfig.client.EtcdErrors;
import io.github.etcdconfig.client.EtcdMemberChoice;
import io.github.etcdconfig.ranges.EtcdRevisionRequest;
import org.jspecify.annotations.Nullable;

/**
 * Asks etcd for its revision, and for the newest change in a watched range after what its
 * watch received when etcd's revision says there may be one: proof that etcd answers, and
 * a way to find a watch that went silent.
 *
 * <p>
 * Each check first asks for etcd's revision alone: the status of the member that receives
 * it, which that member answers from its own state without reading a key (where a sorted
 * read of a 10,000-key range costs 13 ms of etcd's CPU: {@code ScaleCheckCost} in the
 * benchmarks). A range is read only when etcd's revision is past the revision at which
 * its watch was last known to be current (its last event, or the last check that found
 * nothing it had missed): nothing written since then, nothing missed. An idle cluster
 * therefore costs one small request per check, whatever the size of the ranges. While a
 * range known to be behind is read anyway (another range received a later revision than
 * the one at which it was last known current: the application's folder while the shared
 * layer changes), that read's answer gives etcd's revision, and the check asks nothing
 * else first. The range read finds a key put or changed after the watch's last event, not
 * a key deleted since then (a range read returns no deleted key): a watch that went
 * silent is found by the next put in its range, as with the sorted read before.
 *
 * <p>
 * etcd's revision is asked with etcd's {@code Maintenance.Status}
 * ({@link EtcdRevisionRequest#applied}): the member that receives it answers from its own
 * state, without the ReadIndex round with the leader (a heartbeat to every follower) that
 * a linearizable read costs, and etcd's gRPC proxy forwards it instead of answering from
 * its cache. This is sound for what the check has to find:
 * <ul>
 * <li>the answer's revision is the member's applied revision, and its state at that
 * revision is the cluster's committed state at that revision (members apply the same log
 * in order);</li>
 * <li>a member that lags answers with an older revision: the check finds less than it
 * would on the leader, never something false, and a session's revision checked only goes
 * up ({@link EtcdWatchSession#currentAt(long)}). jetcd spreads requests over the
 * endpoints, so the next check or the one after reaches a member that has applied the
 * change a silent watch missed (a client held to one member asks that member, and asks
 * through the leader at every fourth check: a member that still has a leader but applies
 * nothing more does not answer that in time, and the client moves on);</li>
 * <li>a member without a leader still answers: that answer counts as unavailable (asked
 * once more, of the next member, as below), so a check that succeeds proves that the
 * member it reached has a leader;</li>
 * <li>a hung etcd (stopped with SIGSTOP, say) answers nothing: the timeout below.</li>
 * </ul>
 * The range read is serializable at a revision known to be committed: the revision
 * another range's watch received, or the revision the check was answered
 * ({@link EtcdRevisionRequest#newestChangeAfter}). It finds what the range's watch missed
 * up to that revision, without the leader's ReadIndex round (a heartbeat to every
 * follower) that a linearizable read costs after every put, and instances that ask the
 * same may be answered from the cache of etcd's gRPC proxy, which keeps reads at a fixed
 * revision in its bounded LRU alone. A member that has not applied that revision yet (or
 * compacted it) refuses: the range is then read linearizably, at etcd's current revision.
 * A serializable read is answered by a member without a leader too, and etcd's gRPC proxy
 * may answer one it has seen from its cache even while the members behind it hang, but
 * only once per revision another watch received, a sign that the cluster moved on: the
 * checks after it ask etcd's revision first, and find a hung etcd about one check
 * interval later at most. While etcd is taken for unreachable, etcd's revision is asked
 * with a linearizable count ({@link EtcdRevisionRequest#send}), as the start-up reader
 * asks: that answer ends the outage and starts a resync.
 *
 * <p>
 * The watchers of one client share their answers ({@link EtcdClientAnswers}): a check
 * that comes within a check interval of an answer to another watcher's check on the same
 * client takes that answer's revision instead of asking again (its own earlier answers do
 * not count).
 *
 * <p>
 * At most one check is outstanding. Every request has the timeout as its gRPC deadline. A
 * request that times out (unanswered when the timeout passes, or ended by its deadline,
 * whichever comes first) or finds its member unavailable is sent once more, which gRPC's
 * round-robin gives to the next member (a client held to one member moves to the next,
 * and the request is sent once it is there): one member that hangs, whose connection
 * looks fine until keep-alive finds it dead, then costs the check a timeout, not a
 * failure (which would make the watcher take etcd for unreachable and read everything
 * again). The second timeout is reported as a failure; while etcd is taken for
 * unreachable, a request is sent once. The watcher sends no other check while a request
 * has not been answered or ended at its deadline: a hung etcd (stopped with SIGSTOP, say)
 * receives at most one request of an instance per timeout after the first two, each
 * cancelled at its deadline, rather than one per check interval that it would all answer
 * when it continues. An answer that comes after the timeout still counts: etcd answers
 * again. Neither is a request that times out while watch responses with events keep
 * arriving: etcd is slow then, not gone, and taking it for an outage would make every
 * instance read everything again just when etcd is busiest. No progress request either:
 * etcd 3.4 answers one at once with its current revision, even while a watch still sends
 * older events (measured on 3.4.23).
 *
 * <p>
 * Confined to the applier thread.
 */
final class EtcdLivenessCheck {

	// How often a client held to one member of several asks through the leader: one
	// check in four, about every 2 minutes at the default interval, for about 1 ms more
	// of etcd's CPU (all members) than a member's status costs (ScaleCheckCost).
	static final int HELD_THROUGH_LEADER_EVERY = 4;

	private final BiFunction<ByteSequence, GetOption, CompletableFuture<GetResponse>> reads;

	private final Function<ByteSequence, CompletableFuture<Long>> memberRevision;

	private final Duration timeout;

	private final Executor applier;

	private final EtcdWatchScheduler scheduler;

	private final LongSupplier responses;

	private final EtcdClientAnswers answers;

	private final long reuseNanos;

	private final EtcdMemberChoice member;

	private int outstanding;

	// The checks sent so far by a client held to one member of several.
	private int heldChecks;

	/**
	 * Create a check.
	 * @param reads reads keys, each read with the timeout as its deadline
	 * ({@link EtcdRevisionRequest#reads})
	 * @param memberRevision asks the revision of the member that receives the request
	 * ({@link EtcdRevisionRequest#applied})
	 * @param timeout how long etcd has to answer
	 * @param applier the applier thread, which receives the outcomes
	 * @param scheduler schedules the timeout on the applier thread
	 * @param responses counts the watch responses with events received so far
	 */
	EtcdLivenessCheck(BiFunction<ByteSequence, GetOption, CompletableFuture<GetResponse>> reads,
			Function<ByteSequence, CompletableFuture<Long>> memberRevision, Duration timeout, Executor applier,
			EtcdWatchScheduler scheduler, LongSupplier responses) {
		this(reads, memberRevision, timeout, applier, scheduler, responses, new EtcdClientAnswers(), Duration.ZERO,
				EtcdMemberChoice.roundRobin());
	}

	/**
	 * Create a check that takes an answer another watcher on the same client received
	 * within the reuse time instead of asking for etcd's revision again.
	 * @param reads reads keys, each read with the timeout as its deadline
	 * ({@link EtcdRevisionRequest#reads})
	 * @param memberRevision asks the revision of the member that receives the request
	 * ({@link EtcdRevisionRequest#applied})
	 * @param timeout how long etcd has to answer
	 * @param applier the applier thread, which receives the outcomes
	 * @param scheduler schedules the timeout on the applier thread
	 * @param responses counts the watch responses with events received so far
	 * @param answers the answers of every check on the client
	 * @param reuse how old an answer may be to be taken: the check interval
	 * @param member the member the client talks to, left when a request is not answered
	 * or finds it unavailable
	 */
	EtcdLivenessCheck(BiFunction<ByteSequence, GetOption, CompletableFuture<GetResponse>> reads,
			Function<ByteSequence, CompletableFuture<Long>> memberRevision, Duration timeout, Executor applier,
			EtcdWatchScheduler scheduler, LongSupplier responses, EtcdClientAnswers answers, Duration reuse,
			EtcdMemberChoice member) {
		this.reads = reads;
		this.memberRevision = memberRevision;
		this.timeout = timeout;
		this.applier = applier;
		this.scheduler = scheduler;
		this.responses = responses;
		this.answers = answers;
		this.reuseNanos = reuse.toNanos();
		this.member = member;
	}

	/**
	 * How long to wait before the next check: the interval, spread by up to half of it
	 * either way. Instances started together, a fleet after a deploy, would otherwise
	 * check in the same instant at every interval: at 300 instances on one etcd member,
	 * 600 checks at once took etcd 1 to 8 s to answer (measured here), each instance took
	 * that for an outage and read everything again, and that made the next checks slower
	 * still.
	 * @param interval the check interval
	 * @param random a random number in [0, 1)
	 * @return the delay in nanoseconds
	 */
	static long nextDelay(Duration interval, double random) {
		return (long) (interval.toNanos() * (0.5 + random));
	}

	/**
	 * Check every session's range, unless the last check has not been answered yet.
	 * @param sessions the sessions
	 * @param result receives each answer, or the failure
	 * @return whether a check was sent
	 */
	boolean run(List<EtcdWatchSession> sessions, Result result) {
		return run(sessions, result, false);
	}

	/**
	 * Check every session's range, unless the last check has not been answered yet.
	 * @param sessions the sessions
	 * @param result receives each answer, or the failure
	 * @param throughLeader whether etcd's revision must be asked linearizably: while etcd
	 * is taken for unreachable, the first answer ends the outage and starts a resync,
	 * which must not start from a member's older state
	 * @return whether a check was sent
	 */
	boolean run(List<EtcdWatchSession> sessions, Result result, boolean throughLeader) {
		if (this.outstanding > 0 || sessions.isEmpty()) {
			return false;
		}
		boolean linearizable = throughLeader || heldClientsTurn();
		long received = sessions.stream().mapToLong(EtcdWatchSession::revision).max().orElse(0);
		EtcdWatchSession behind = linearizable ? null : knownBehind(sessions, received);
		if (behind != null) {
			// Its range is read whatever etcd's revision, up to the revision another
			// watch received (committed): that read's answer carries etcd's revision
			// too, so the check asks once instead of twice.
			checkRange(behind, received, result, (etcdRevision) -> checkOthers(sessions, behind, etcdRevision, result));
			return true;
		}
		long recent = linearizable ? 0 : this.answers.revisionWithin(this, this.reuseNanos, System.nanoTime());
		if (recent > 0) {
			checkOthers(sessions, null, recent, result);
			return true;
		}
		EtcdWatchSession first = sessions.get(0);
		ByteSequence key = first.range().startKey();
		send(first,
				() -> linearizable
						? EtcdRevisionRequest.send(this.reads, key)
							.thenApply((response) -> response.getHeader().getRevision())
						: this.memberRevision.apply(key),
				Long::longValue, result, (etcdRevision) -> checkOthers(sessions, null, etcdRevision, result),
				!throughLeader);
		return true;
	}

	/**
	 * Whether this check of a client held to one member of several asks etcd's revision
	 * linearizably: every {@value #HELD_THROUGH_LEADER_EVERY}th. Such a client asks its
	 * member alone, and a member that keeps answering its status but applies nothing more
	 * (its disk stalled, say) answers with a revision that no longer moves, as an idle
	 * cluster's does; a linearizable read needs the leader's round and the member's
	 * apply, so that member does not answer it in time, and the client moves to the next
	 * member. jetcd's round-robin finds such a member through the next check that reaches
	 * another member.
	 */
	private boolean heldClientsTurn() {
		return this.member.canMove() && ++this.heldChecks % HELD_THROUGH_LEADER_EVERY == 0;
	}

	/**
	 * A session that is known to be behind etcd's revision before asking: another session
	 * received a later revision than the one at which this one was last known current.
	 * That is the usual case while a fleet's shared range changes and its application's
	 * range does not (an event of one range says nothing of another range's watch, which
	 * may have gone silent, so the range is read; but etcd's revision need not be asked
	 * for first).
	 * @param sessions the sessions
	 * @param received the newest revision any of their watches received
	 * @return the first such session, or {@code null}
	 */
	private static @Nullable EtcdWatchSession knownBehind(List<EtcdWatchSession> sessions, long received) {
		return sessions.stream().filter((session) -> session.currentAt() < received).findFirst().orElse(null);
	}

	private void checkOthers(List<EtcdWatchSession> sessions, @Nullable EtcdWatchSession done, long etcdRevision,
			Result result) {
		for (EtcdWatchSession session : sessions) {
			if (session == done) {
				continue;
			}
			if (etcdRevision <= session.currentAt()) {
				result.answered(session, etcdRevision, 0);
			}
			else {
				checkRange(session, etcdRevision, result, (ignored) -> {
				});
			}
		}
	}

	// The newest change in a session's range after what its watch received, up to a
	// revision known to be committed.
	private void checkRange(EtcdWatchSession session, long at, Result result, LongConsumer then) {
		send(session, () -> readRange(session, at), RangeAnswer::etcdRevision, result, (answer) -> {
			if (answer.newest() == 0) {
				session.currentAt(answer.readAt());
			}
			result.answered(session, answer.etcdRevision(), answer.newest());
			then.accept(answer.etcdRevision());
		}, true);
	}

	private CompletableFuture<RangeAnswer> readRange(EtcdWatchSession session, long at) {
		long received = session.revision();
		ByteSequence key = session.range().startKey();
		return this.reads.apply(key, EtcdRevisionRequest.newestChangeAfter(session.range(), received, at))
			.thenApply((response) -> RangeAnswer.of(response, at))
			// A member that has not applied that revision yet, or one compacted since:
			// etcd's current state, linearizable.
			.exceptionallyCompose((error) -> !EtcdErrors.isRevisionRefused(error)
					? CompletableFuture.failedFuture(EtcdErrors.unwrap(error))
					: this.reads.apply(key, EtcdRevisionRequest.newestChangeAfter(session.range(), received, 0))
						.thenApply((response) -> RangeAnswer.of(response, 0)));
	}

	/**
	 * Send one request of a check, and once more when it times out or finds its member
	 * unavailable: gRPC's round-robin sends the second to the next member (a client held
	 * to one member moves to the next first), so that one member that hangs (its
	 * connection looks fine until keep-alive finds it dead) does not make the check fail
	 * and the watcher take etcd for unreachable and read everything again. The first
	 * answer of either is taken; what comes after it is dropped.
	 * @param again whether such a request is sent once more instead of failing
	 */
	private <T> void send(EtcdWatchSession session, Supplier<CompletableFuture<T>> call, ToLongFunction<T> revision,
			Result result, Consumer<T> answered, boolean again) {
		attempt(session, call, revision, result, answered, new boolean[1], again);
	}

	// One attempt of a request; done: whether an attempt of it was answered.
	private <T> void attempt(EtcdWatchSession session, Supplier<CompletableFuture<T>> call, ToLongFunction<T> revision,
			Result result, Consumer<T> answered, boolean[] done, boolean again) {
		int member = this.member.current();
		CompletableFuture<T> request;
		try {
			request = call.get();
		}
		catch (RuntimeException ex) {
			result.failed(session, ex);
			return;
		}
		this.outstanding++;
		long responsesBefore = this.responses.getAsLong();
		boolean[] unanswered = { false };
		Runnable[] cancelTimeout = { null };
		// The timer below and the request's own gRPC deadline end at the same time,
		// whichever comes first: both take this one way, once.
		Consumer<@Nullable Throwable> notAnswered = (error) -> {
			if (unanswered[0] || done[0] || this.responses.getAsLong() != responsesBefore) {
				return;
			}
			unanswered[0] = true;
			// A client held to one member sends the next request elsewhere, once it is
			// there.
			CompletableFuture<Void> left = this.member.leave(member,
					"did not answer the liveness check, or has no leader");
			if (again && left.isDone()) {
				attempt(session, call, revision, result, answered, done, false);
			}
			else if (again) {
				this.outstanding++;
				left.whenCompleteAsync((moved, failure) -> {
					this.outstanding--;
					if (!done[0]) {
						attempt(session, call, revision, result, answered, done, false);
					}
				}, this.applier);
			}
			else {
				result.failed(session, (error != null) ? error
						: new TimeoutException("etcd did not answer within " + this.timeout.toMillis() + " ms"));
			}
		};
		request.whenCompleteAsync((response, error) -> {
			this.outstanding--;
			// An idle instance's applier thread then wakes once per check, not twice.
			if (cancelTimeout[0] != null) {
				cancelTimeout[0].run();
			}
			if (done[0]) {
				return;
			}
			if (error == null) {
				done[0] = true;
				this.answers.answered(this, revision.applyAsLong(response), System.nanoTime());
				answered.accept(response);
			}
			else if (EtcdErrors.kind(error) == EtcdErrors.Kind.UNREACHABLE) {
				notAnswered.accept(EtcdErrors.unwrap(error));
			}
			else if (!unanswered[0]) {
				result.failed(session, EtcdErrors.unwrap(error));
			}
		}, this.applier);
		cancelTimeout[0] = this.scheduler.schedule(() -> {
			if (!request.isDone()) {
				notAnswered.accept(null);
			}
		}, this.timeout.toNanos());
	}

	/**
	 * etcd's answer to a range read of a check.
	 *
	 * @param etcdRevision the revision of the member that answered
	 * @param readAt the revision up to which the range was read
	 * @param newest the newest change in the range after what its session received, or 0
	 */
	private record RangeAnswer(long etcdRevision, long readAt, long newest) {

		static RangeAnswer of(GetResponse response, long at) {
			long etcdRevision = response.getHeader().getRevision();
			return new RangeAnswer(etcdRevision, (at > 0) ? at : etcdRevision,
					response.getKvs().isEmpty() ? 0 : response.getKvs().get(0).getModRevision());
		}

	}

	/**
	 * Receives the outcome of a check, on the applier thread.
	 */
	interface Result {

		/**
		 * etcd answered for one range.
		 * @param session the session whose range was checked
		 * @param etcdRevision etcd's revision
		 * @param newest the newest change in the range after what the session received,
		 * or 0
		 */
		void answered(EtcdWatchSession session, long etcdRevision, long newest);

		/**
		 * etcd did not answer for one range in time, or failed.
		 * @param session the session whose range was checked
		 * @param error why
		 */
		void failed(EtcdWatchSession session, Throwable error);

	}

}
