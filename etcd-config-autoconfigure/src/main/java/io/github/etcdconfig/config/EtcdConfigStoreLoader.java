package io.github.etcdconfig.config;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.github.etcdconfig.client.EtcdErrors;
import io.github.etcdconfig.ranges.EtcdCalls;
import io.github.etcdconfig.ranges.EtcdConfigReader;
import io.github.etcdconfig.ranges.EtcdHistoryReader;
import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;

/**
 * Reading a store's keys from etcd for {@link EtcdConfigStores}: at start-up with the
 * retries of {@code etcd.config.retry}, the fallback to the snapshot file and the rules
 * of optional sources; and again, for an explicit refresh of a source no watcher follows.
 */
final class EtcdConfigStoreLoader {

	private EtcdConfigStoreLoader() {
	}

	/**
	 * Read a new store's keys at start-up, trying again while etcd may answer. When it
	 * does not, start from the snapshot file if there is one, else without values when
	 * the source is optional.
	 * @param store the new store
	 * @param log where to report
	 * @throws EtcdConfigLoadException when a required source cannot be read, or holds a
	 * document that does not parse
	 */
	static void readAtStartup(EtcdConfigStore store, Log log) {
		EtcdConfigDataResource resource = store.getResource();
		List<EtcdConfigProblem> problems = new ArrayList<>();
		SavedSnapshot saved = SavedSnapshot.of(store);
		EtcdConfigSnapshot snapshot;
		try {
			if (saved != null && catchUpFromSnapshotFile(store, saved, problems, log)) {
				return;
			}
			problems.clear();
			snapshot = readWithRetries(store, problems, log);
		}
		catch (RetryException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (interrupted(cause)) {
				// The application is being stopped: neither the snapshot file nor an
				// optional source's empty start stands in for etcd.
				throw EtcdConfigLoadException.readFailed(resource, "interrupted while reading etcd", cause);
			}
			String reason = EtcdErrors.describe(cause, resource.getConnection().getRequestTimeout());
			if (saved != null) {
				try {
					EtcdConfigSnapshot fromFile = saved.read();
					saved.problems().forEach((problem) -> problem.log(log));
					store.setSnapshotFromFile(fromFile);
					log.warn("etcd cannot be read (" + reason + "): starting from the snapshot file "
							+ saved.file.getPath() + " at revision " + fromFile.getRevision()
							+ ". Its values may be stale until etcd answers.");
					return;
				}
				catch (IOException fileFailure) {
					reason += "; " + fileFailure.getMessage();
				}
			}
			if (!resource.isOptional()) {
				throw EtcdConfigLoadException.readFailed(resource, reason, cause);
			}
			log.warn("Starting without configuration from " + resource + " (optional): " + reason
					+ ". It will be read when etcd answers.");
			return;
		}
		report(resource, problems, log);
		store.setSnapshot(snapshot);
		if (log.isInfoEnabled()) {
			log.info("Loaded " + snapshot.getKeyCount() + " keys (" + snapshot.getPropertyNames().length
					+ " properties) from " + resource + " at revision " + snapshot.getRevision());
		}
	}

	/**
	 * Read every key with the retries of {@code etcd.config.retry}. An attempt goes on
	 * from the page where the one before it failed, at the same revision, so that the
	 * pages already read are kept; and the retries start again while etcd keeps answering
	 * (its revision, then the pages): a load that moves on, however slowly (a fleet
	 * loading at once, a busy client), is never given up, while one that etcd answers
	 * nothing in a whole budget fails as before.
	 * @throws RetryException when a budget passed without an answer, or a failure is not
	 * worth another attempt
	 */
	private static EtcdConfigSnapshot readWithRetries(EtcdConfigStore store, List<EtcdConfigProblem> problems, Log log)
			throws RetryException {
		EtcdConfigDataResource resource = store.getResource();
		EtcdConfigReader.Progress progress = new EtcdConfigReader.Progress();
		EtcdConfigSnapshot.Builder[] builder = { null };
		return retryWhileEtcdAnswers(resource, progress::getAnswers, log, () -> {
			if (!progress.isStarted()) {
				// A new read, or one whose revision was compacted: nothing kept.
				problems.clear();
				builder[0] = EtcdConfigSnapshot.builder(resource.getLayout(), problems::add);
			}
			// Built while the next page is read.
			return builder[0].build(store.read(builder[0], progress));
		});
	}

	/**
	 * Run the attempts of a start-up read with the retries of {@code etcd.config.retry},
	 * and with another budget of them after each budget in which etcd answered.
	 * @param answers the calls etcd answered so far
	 * @throws RetryException when a budget passed without an answer, or a failure is not
	 * worth another attempt
	 */
	private static <T> T retryWhileEtcdAnswers(EtcdConfigDataResource resource, LongSupplier answers, Log log,
			Retryable<T> attempt) throws RetryException {
		while (true) {
			long answersBefore = answers.getAsLong();
			try {
				return retries(resource, () -> answers.getAsLong() + " answers of etcd so far", log).execute(attempt);
			}
			catch (RetryException ex) {
				Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
				if (interrupted(cause) || answers.getAsLong() == answersBefore || !EtcdErrors.isRetryable(cause)) {
					throw ex;
				}
				log.info("Reading " + resource + " is slow (" + answers.getAsLong()
						+ " answers of etcd so far): trying on");
			}
		}
	}

	/**
	 * Whether the start-up was interrupted: the last attempt failed so, or the retries
	 * were, while they waited. The thread's interrupt flag is set again, since waiting
	 * for a call or between attempts cleared it.
	 */
	private static boolean interrupted(Throwable cause) {
		if (cause instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
			Thread.currentThread().interrupt();
			return true;
		}
		return false;
	}

	// The start-up retries; each failed attempt is logged at DEBUG, with how far it got.
	private static RetryTemplate retries(EtcdConfigDataResource resource, Supplier<String> progress, Log log) {
		return new RetryTemplate(resource.getConfig().getRetry().toPolicy((failure) -> {
			if (log.isDebugEnabled()) {
				log.debug("Reading " + resource + " failed (" + progress.get() + "): "
						+ EtcdErrors.describe(failure, resource.getConnection().getRequestTimeout()));
			}
			return !(failure instanceof InterruptedException) && EtcdErrors.isRetryable(failure);
		}));
	}

	/**
	 * Start from the snapshot file and read only what changed in etcd since its revision,
	 * when etcd still has that history: a restart then costs etcd in proportion to the
	 * changes, not to the keys. The store ends at etcd's revision of the moment or a
	 * later one, as after a full read. While etcd does not answer, the catch-up is tried
	 * again with the start-up retries, each attempt more patient than the one before:
	 * reading every key instead would cost etcd far more, and a fleet restarted at once
	 * would turn a slow etcd into one that reads every key for every instance. When etcd
	 * answered its revision but the history did not arrive within the retries, every key
	 * is read instead: etcd answers, and a full read ends current where the file may be
	 * stale.
	 * @return whether the store was loaded so; if not, it is left as it was
	 * @throws RetryException when etcd answered nothing within the retries: reading every
	 * key would not do better
	 */
	private static boolean catchUpFromSnapshotFile(EtcdConfigStore store, SavedSnapshot savedSnapshot,
			List<EtcdConfigProblem> problems, Log log) throws RetryException {
		EtcdConfigDataResource resource = store.getResource();
		EtcdConfigSnapshotFile file = savedSnapshot.file;
		long catchUpRevisions = resource.getConfig().getSnapshot().getCatchUpRevisions();
		if (catchUpRevisions <= 0 || !Files.isRegularFile(file.getPath())) {
			return false;
		}
		EtcdConfigSnapshot saved;
		try {
			saved = savedSnapshot.read();
		}
		catch (IOException ex) {
			log.debug("Reading every key of " + resource + ": " + ex.getMessage());
			return false;
		}
		problems.addAll(savedSnapshot.problems());
		int[] attempts = { 0 };
		// etcd's revision, once answered: kept across attempts, like a full read's.
		long[] revision = { 0 };
		Optional<EtcdHistoryReader.Changes> changes;
		try {
			changes = retryWhileEtcdAnswers(resource, () -> (revision[0] > 0) ? 1 : 0, log, () -> {
				// Each failed attempt makes the next more patient, as a timed-out page
				// does.
				Duration timeout = EtcdCalls.patient(resource.getConnection().getRequestTimeout(), attempts[0]++);
				EtcdHistoryReader history = new EtcdHistoryReader(store.getClient(), timeout, catchUpRevisions);
				if (revision[0] == 0) {
					revision[0] = history.revision(resource.getLayout().ranges());
				}
				return history.readOrFail(resource.getLayout().ranges(), saved.getRevision(), revision[0]);
			});
		}
		catch (RetryException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (revision[0] == 0 || interrupted(cause) || !EtcdErrors.isRetryable(cause)) {
				throw ex;
			}
			// etcd answered, but replays its history slower than the deadlines allow: a
			// full read, whose retries go on while pages arrive, ends current, where the
			// file may be stale.
			log.info("The history of etcd since revision " + saved.getRevision() + " of the snapshot file "
					+ file.getPath() + " did not arrive in time ("
					+ EtcdErrors.describe(cause, resource.getConnection().getRequestTimeout())
					+ "); reading every key of " + resource);
			return false;
		}
		if (changes.isEmpty()) {
			log.debug("The history of etcd since revision " + saved.getRevision() + " of the snapshot file "
					+ file.getPath() + " cannot be used; reading every key of " + resource);
			return false;
		}
		EtcdConfigSnapshot current = saved.apply(changes.get().events(), changes.get().revision(), problems::add)
			.snapshot();
		report(resource, problems, log);
		store.setSnapshot(current);
		if (log.isInfoEnabled()) {
			log.info("Started " + resource + " from the snapshot file " + file.getPath() + " at revision "
					+ saved.getRevision() + " and the " + changes.get().events().size()
					+ " changes since, up to revision " + current.getRevision());
		}
		return true;
	}

	private static void report(EtcdConfigDataResource resource, List<EtcdConfigProblem> problems, Log log) {
		for (EtcdConfigProblem problem : problems) {
			if (problem.kind() == EtcdConfigProblem.Kind.BROKEN_DOCUMENT && !resource.isOptional()) {
				throw EtcdConfigLoadException.brokenDocument(resource, problem);
			}
			problem.log(log);
		}
	}

	/**
	 * Read a loaded store again, for an explicit refresh without a watcher. When etcd
	 * cannot be read, the store keeps its values, with a warning.
	 * @param store the store
	 * @param log where to report
	 */
	static void readAgain(EtcdConfigStore store, Log log) {
		try {
			store.readAgain((problem) -> problem.log(log));
		}
		catch (Exception ex) {
			log.warn("Cannot read " + store.getResource() + " again ("
					+ EtcdErrors.describe(ex, store.getResource().getConnection().getRequestTimeout())
					+ "); keeping the values of revision " + store.getSnapshot().getRevision());
		}
	}

	/**
	 * A store's snapshot file, read at most once in a start-up: by the catch-up, and by
	 * the start without etcd when etcd then answers nothing. Reading it again would cost
	 * an instance its CPU just when a fleet restarted at once leaves etcd slowest. When
	 * the catch-up reads every key instead, what the file held stays in memory until that
	 * read ends, for the start without etcd should it fail too.
	 */
	private static final class SavedSnapshot {

		private final EtcdConfigSnapshotFile file;

		private final EtcdConfigLayout layout;

		private final List<EtcdConfigProblem> problems = new ArrayList<>();

		private @Nullable EtcdConfigSnapshot snapshot;

		private @Nullable IOException failure;

		private SavedSnapshot(EtcdConfigSnapshotFile file, EtcdConfigLayout layout) {
			this.file = file;
			this.layout = layout;
		}

		static @Nullable SavedSnapshot of(EtcdConfigStore store) {
			EtcdConfigSnapshotFile file = store.getSnapshotFile();
			return (file != null) ? new SavedSnapshot(file, store.getResource().getLayout()) : null;
		}

		/**
		 * The file's snapshot, read on the first call.
		 * @throws IOException when the file is missing, unreadable or corrupt, on every
		 * call
		 */
		EtcdConfigSnapshot read() throws IOException {
			if (this.failure != null) {
				throw this.failure;
			}
			EtcdConfigSnapshot read = this.snapshot;
			if (read == null) {
				try {
					read = this.file.read(this.layout, this.problems::add);
				}
				catch (IOException ex) {
					this.failure = ex;
					throw ex;
				}
				this.snapshot = read;
			}
			return read;
		}

		/**
		 * The keys of the file that cannot be used, found by {@link #read()}.
		 */
		List<EtcdConfigProblem> problems() {
			return this.problems;
		}

	}

}
