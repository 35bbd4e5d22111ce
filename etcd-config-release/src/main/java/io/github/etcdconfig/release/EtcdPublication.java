package io.github.etcdconfig.release;

import java.time.Instant;
import java.util.List;

/**
 * A release published, and whose rollout follows it.
 *
 * @param releases the releases, one per layer, at one revision
 * @param application the application whose instances apply it, or {@code null} for every
 * application (a release of the shared layer)
 * @param profile the profile whose instances alone apply it (a gray release), or
 * {@code null} when every instance of the application does
 */
public record EtcdPublication(List<EtcdRelease> releases, String application, String profile) {

	public EtcdPublication {
		releases = List.copyOf(releases);
	}

	/**
	 * The revision of the release's transaction, which instances apply.
	 * @return the revision
	 */
	public long revision() {
		return this.releases.get(0).revision();
	}

	/**
	 * When it was published.
	 * @return the time
	 */
	public Instant time() {
		return this.releases.get(0).time();
	}

}
