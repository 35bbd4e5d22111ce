package io.github.etcdconfig.watch;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.client.EtcdPerClient;

/**
 * The newest answer etcd gave to the liveness checks of a client's watchers, shared by
 * every watcher on that client (the configuration watcher, verified releases' proposal
 * watcher, discovery's registry): they all ask etcd for the same revision, so a watcher
 * whose check comes within a check interval of another's answer takes that answer instead
 * of asking again. An application with four watchers on one client then asks about once
 * per interval, not four times.
 *
 * <p>
 * What a reused answer proves is what the watcher's own check one interval earlier would
 * have proved: etcd answered the client within the interval, at a revision it had. Each
 * watcher still reads its own ranges when that revision is past what its watches are
 * known to have, and still asks on its own once the newest answer is older than its
 * interval, so a hung etcd is found by the first watcher that asks, and by the others no
 * later than one interval after it stopped answering.
 */
final class EtcdClientAnswers {

	private static final EtcdPerClient<EtcdClientAnswers> answers = EtcdPerClient
		.of((client) -> new EtcdClientAnswers());

	private long revision;

	private long answeredAt;

	private Object answeredTo = this;

	/**
	 * The answers of a client's checks.
	 * @param client the client
	 * @return the same instance for every watcher on the client
	 */
	static EtcdClientAnswers of(Client client) {
		return answers.get(client);
	}

	/**
	 * etcd answered a check.
	 * @param check the check that asked
	 * @param etcdRevision the revision in the answer's header
	 * @param now {@link System#nanoTime()}
	 */
	synchronized void answered(Object check, long etcdRevision, long now) {
		// A lagging member may answer with an older revision: etcd had the newer one.
		this.revision = Math.max(this.revision, etcdRevision);
		this.answeredAt = now;
		this.answeredTo = check;
	}

	/**
	 * The newest revision etcd answered another check with, if it answered within the
	 * given time. A check's own answer does not count: a watcher alone on its client asks
	 * at every check, as before.
	 * @param check the check that would take the answer
	 * @param maxAgeNanos how old the answer may be
	 * @param now {@link System#nanoTime()}
	 * @return the revision, or 0 when no other check's answer is that recent
	 */
	synchronized long revisionWithin(Object check, long maxAgeNanos, long now) {
		return (this.revision > 0 && this.answeredTo != check && now - this.answeredAt <= maxAgeNanos) ? this.revision
				: 0;
	}

}
