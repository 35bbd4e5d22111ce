package io.github.etcdconfig.verify;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.github.etcdconfig.config.EtcdConfigDataResource;
import io.github.etcdconfig.config.EtcdConfigStore;
import io.github.etcdconfig.ranges.EtcdKeyEvent;
import io.github.etcdconfig.ranges.EtcdKeyRange;
import io.github.etcdconfig.watch.EtcdPrefixWatcher;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Follows the proposals of the layers this instance reads with one more watch (the ranges
 * of {@link EtcdProposalEvaluator#ranges()}), and has each new proposal judged by the
 * {@link EtcdProposalEvaluator}; the verdict is published as an
 * {@link EtcdConfigVerdictEvent}, which the registration carries to the operator tools.
 *
 * <p>
 * The watch is an {@link EtcdPrefixWatcher}, as for configuration: every etcd call has a
 * deadline, a broken watch is created again, and proposals are judged on its own applier
 * thread, never on jetcd's callback threads nor on the thread that applies real changes.
 * A proposal that cannot be read or judged is answered IGNORED with the reason; it never
 * stops the watch. It starts at the revision the configuration was read at, so a proposal
 * written while the application started is judged too; deletes (the operator tool
 * removing a judged proposal) are not.
 */
public class EtcdProposalWatcher implements EtcdPrefixWatcher.Target, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(EtcdProposalWatcher.class);

	private final EtcdConfigStore store;

	private final EtcdProposalEvaluator evaluator;

	private final ApplicationEventPublisher publisher;

	private final String prefix;

	private final EtcdPrefixWatcher watcher;

	// Only touched on the watcher's applier thread.
	private long judgedRevision;

	private volatile boolean running;

	/**
	 * Create a watcher.
	 * @param store the first etcd source, whose client and settings the watch uses
	 * @param evaluator judges each proposal
	 * @param publisher receives each verdict
	 * @param properties the settings
	 */
	public EtcdProposalWatcher(EtcdConfigStore store, EtcdProposalEvaluator evaluator,
			ApplicationEventPublisher publisher, EtcdVerifyProperties properties) {
		this.store = store;
		this.evaluator = evaluator;
		this.publisher = publisher;
		this.prefix = properties.getPrefix();
		EtcdConfigDataResource resource = store.getResource();
		this.watcher = new EtcdPrefixWatcher(store.getClient(), this,
				EtcdPrefixWatcher.Settings.of(resource.getConfig().getWatch(),
						resource.getConnection().getRequestTimeout(), resource.getConfig().getPageSize()));
	}

	@Override
	public List<EtcdKeyRange> ranges() {
		return this.evaluator.ranges();
	}

	@Override
	public long loadedRevision() {
		this.judgedRevision = this.store.isFromSnapshotFile() ? 0 : this.store.getLiveSnapshot().getRevision();
		return this.judgedRevision;
	}

	@Override
	public void apply(List<EtcdKeyEvent> events, long revision) {
		judge(events);
	}

	@Override
	public void resync(List<EtcdKeyEvent> keys, long revision) {
		// After a gap: the proposals not judged yet.
		judge(keys);
	}

	private void judge(List<EtcdKeyEvent> events) {
		for (EtcdKeyEvent event : events) {
			if (!event.isDelete() && event.modRevision() > this.judgedRevision) {
				judge(new String(event.key(), StandardCharsets.UTF_8), event.value());
			}
		}
		for (EtcdKeyEvent event : events) {
			this.judgedRevision = Math.max(this.judgedRevision, event.modRevision());
		}
	}

	private void judge(String key, byte[] value) {
		EtcdConfigVerdict verdict;
		try {
			verdict = this.evaluator.evaluate(key, value);
		}
		catch (RuntimeException ex) {
			// Never the exception's message: it may quote a proposed value.
			logger.warn("Cannot judge the proposal " + key + " (" + ex.getClass().getSimpleName() + ")");
			EtcdProposal.Key where = EtcdProposal.Key.of(this.prefix, key);
			verdict = (where != null) ? EtcdConfigVerdict.ignored(where.id(),
					"it could not be evaluated (" + ex.getClass().getSimpleName() + ")") : null;
		}
		if (verdict == null) {
			return;
		}
		String reason = (verdict.reason() != null) ? verdict.reason() : "";
		if (verdict.verdict() == EtcdConfigVerdict.Verdict.ACCEPTED) {
			logger.debug("Proposal " + key + " accepted " + reason);
		}
		else {
			logger.info("Proposal " + key + " " + verdict.verdict() + ": "
					+ (verdict.properties().isEmpty() ? reason : verdict.properties() + " " + reason));
		}
		this.publisher.publishEvent(new EtcdConfigVerdictEvent(this, verdict));
	}

	/**
	 * The watch underneath: its state, errors and counters.
	 * @return the watcher
	 */
	public EtcdPrefixWatcher getWatcher() {
		return this.watcher;
	}

	@Override
	public void start() {
		this.watcher.start();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.watcher.stop();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * After the configuration watchers: proposals are judged against a watched snapshot.
	 * @return the phase
	 */
	@Override
	public int getPhase() {
		return Integer.MIN_VALUE + 2000;
	}

	@Override
	public String toString() {
		return "proposals " + this.evaluator.ranges();
	}

}
