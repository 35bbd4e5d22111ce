package io.github.etcdconfig.config;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.github.etcdconfig.client.EtcdErrors;
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
		for (EtcdConfigProblem problem : problems) {
			if (problem.kind() == EtcdConfigProblem.Kind.BROKEN_DOCUMENT && !resource.isOptional()) {
				throw EtcdConfigLoadException.brokenDocument(resource, problem);
			}
			problem.log(log);
		}
		store.setSnapshot(snapshot);
		if (log.isInfoEnabled()) {
			log.info("Loaded " + snapshot.getKeyCount() + " keys (" + snapshot.getPropertyNames().length
					+ " properties) from " + resource + " at revision " + snapshot.getRevision());
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
