package io.github.etcdconfig.config;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.etcdconfig.client.EtcdErrors;
import io.github.etcdconfig.ranges.EtcdHistoryReader;
import org.apache.commons.logging.Log;

import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryTemplate;

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
		if (catchUpFromSnapshotFile(store, problems, log)) {
			return;
		}
		problems.clear();
		RetryTemplate retry = new RetryTemplate(resource.getConfig().getRetry().toPolicy(EtcdErrors::isRetryable));
		EtcdConfigSnapshot snapshot;
		try {
			snapshot = retry.execute(() -> {
				problems.clear();
				// Built while the next page is read.
				EtcdConfigSnapshot.Builder builder = EtcdConfigSnapshot.builder(resource.getLayout(), problems::add);
				return builder.build(store.read(builder));
			});
		}
		catch (RetryException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			String reason = EtcdErrors.describe(cause, resource.getConnection().getRequestTimeout());
			if (store.getSnapshotFile() != null) {
				try {
					EtcdConfigSnapshot saved = store.getSnapshotFile()
						.read(resource.getLayout(), (problem) -> problem.log(log));
					store.setSnapshotFromFile(saved);
					log.warn("etcd cannot be read (" + reason + "): starting from the snapshot file "
							+ store.getSnapshotFile().getPath() + " at revision " + saved.getRevision()
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
	 * Start from the snapshot file and read only what changed in etcd since its revision,
	 * when etcd still has that history: a restart then costs etcd in proportion to the
	 * changes, not to the keys. The store ends at etcd's revision of the moment or a
	 * later one, as after a full read.
	 * @return whether the store was loaded so; if not, it is left as it was
	 */
	private static boolean catchUpFromSnapshotFile(EtcdConfigStore store, List<EtcdConfigProblem> problems, Log log) {
		EtcdConfigDataResource resource = store.getResource();
		EtcdConfigSnapshotFile file = store.getSnapshotFile();
		long catchUpRevisions = resource.getConfig().getSnapshot().getCatchUpRevisions();
		if (file == null || catchUpRevisions <= 0 || !Files.isRegularFile(file.getPath())) {
			return false;
		}
		try {
			EtcdConfigSnapshot saved = file.read(resource.getLayout(), problems::add);
			EtcdHistoryReader history = new EtcdHistoryReader(store.getClient(),
					resource.getConnection().getRequestTimeout(), catchUpRevisions);
			Optional<EtcdHistoryReader.Changes> changes = history.readSince(resource.getLayout().ranges(),
					saved.getRevision());
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
		catch (IOException ex) {
			log.debug("Reading every key of " + resource + ": " + ex.getMessage());
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
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

}
