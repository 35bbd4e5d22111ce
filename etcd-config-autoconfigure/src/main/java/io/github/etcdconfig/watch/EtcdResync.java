package io.github.etcdconfig.watch;

import java.time.Duration;
import java.util.List;

import io.etcd.jetcd.KV;
import io.github.etcdconfig.client.EtcdMemberChoice;
import io.github.etcdconfig.ranges.EtcdConfigReader;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Reads every watched range again at one revision, after a gap the watches cannot fill:
 * etcd compacted the history they need, a watch went silent, or etcd was not read at
 * start-up. The target gets the state read, and applies the difference (deletes
 * included); each watch then restarts after the read's revision.
 *
 * <p>
 * Confined to the applier thread. The read blocks it, within the request timeout of each
 * page, which is what the watcher would wait for anyway.
 */
final class EtcdResync {

	private static final Log logger = LogFactory.getLog(EtcdResync.class);

	private final KV kv;

	private final Duration timeout;

	private final int pageSize;

	private final EtcdMemberChoice member;

	private final EtcdPrefixWatcher.Target target;

	private String pendingReason;

	EtcdResync(KV kv, Duration timeout, int pageSize, EtcdMemberChoice member, EtcdPrefixWatcher.Target target) {
		this.kv = kv;
		this.timeout = timeout;
		this.pageSize = pageSize;
		this.member = member;
		this.target = target;
	}

	/**
	 * Ask for a resync; it runs when {@link #run} is next called.
	 * @param reason why, for the log
	 */
	void request(String reason) {
		if (this.pendingReason == null) {
			this.pendingReason = reason;
		}
	}

	boolean isPending() {
		return this.pendingReason != null;
	}

	/**
	 * Read and apply, when a resync was requested.
	 * @param sessions the watches, closed meanwhile and restarted after the read's
	 * revision (not opened)
	 * @param coalescer drops what it has not applied: the read holds it
	 * @throws Exception when etcd cannot be read; the resync stays pending
	 */
	void run(List<EtcdWatchSession> sessions, EtcdChangeCoalescer coalescer) throws Exception {
		if (this.pendingReason == null) {
			return;
		}
		sessions.forEach(EtcdWatchSession::close);
		EtcdConfigReader.Result read = new EtcdConfigReader(this.kv, this.timeout, this.pageSize, this.member)
			.read(sessions.stream().map(EtcdWatchSession::range).toList());
		logger.info("Resynced " + this.target + " at revision " + read.revision() + ": " + this.pendingReason);
		this.pendingReason = null;
		coalescer.reset(read.revision());
		try {
			this.target.resync(read.keys(), read.revision());
		}
		catch (RuntimeException ex) {
			logger.error("Applying the state read at revision " + read.revision() + " to " + this.target + " failed",
					ex);
		}
		sessions.forEach((session) -> session.restartAt(read.revision()));
	}

}
