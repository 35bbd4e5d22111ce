package io.github.etcdconfig.release;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.etcdconfig.config.EtcdConfigLayout;
import io.github.etcdconfig.ranges.EtcdKeyRange;

import org.springframework.util.StringUtils;

/**
 * One layer of configuration, chosen as an application and a profile choose it: the
 * shared layer without an application, an application's layer, or one of its profiles.
 * The layer is the last prefix of the layout the starter resolves for that application
 * and profile, so the tools and the applications always agree on which keys belong to it.
 *
 * @param application the application, or {@code null} for the shared layer
 * @param profile the profile, or {@code null} for the application's own layer
 * @param layout the layout an instance of that application, started with that profile,
 * reads
 */
public record EtcdLayer(String application, String profile, @JsonIgnore EtcdConfigLayout layout) {

	/**
	 * Choose a layer.
	 * @param patterns the prefix patterns
	 * @param application the application, or {@code null} for the shared layer
	 * @param profile the profile, or {@code null}
	 * @return the layer
	 * @throws EtcdReleaseException (invalid) when the patterns have no such layer
	 */
	public static EtcdLayer of(List<String> patterns, String application, String profile) {
		name(application, "application");
		name(profile, "profile");
		if (profile != null && application == null) {
			throw EtcdReleaseException.invalid("A profile layer belongs to an application: name the application too");
		}
		EtcdConfigLayout layout = EtcdConfigLayout.resolve(patterns, application,
				(profile != null) ? List.of(profile) : List.of());
		if (application != null && last(layout).equals(last(EtcdConfigLayout.resolve(patterns, null, List.of())))) {
			throw EtcdReleaseException
				.invalid("The prefixes " + patterns + " have no layer for an application " + "({application})");
		}
		if (profile != null && last(layout).equals(last(EtcdConfigLayout.resolve(patterns, application, List.of())))) {
			throw EtcdReleaseException.invalid("The prefixes " + patterns + " have no layer for a profile ({profile})");
		}
		return new EtcdLayer(application, profile, layout);
	}

	private static void name(String name, String what) {
		if (name != null && (!StringUtils.hasText(name) || name.contains("/") || name.contains("{"))) {
			throw EtcdReleaseException.invalid("The " + what + " '" + name + "' must not be blank nor contain '/'");
		}
	}

	private static String last(EtcdConfigLayout layout) {
		return layout.prefixes().get(layout.prefixes().size() - 1);
	}

	/**
	 * The layer's place in the layout.
	 * @return the index into the layout's prefixes
	 */
	@JsonIgnore
	public int index() {
		return this.layout.prefixes().size() - 1;
	}

	/**
	 * The layer's prefix.
	 * @return the prefix, such as {@code /config-apps/billing/}
	 */
	@JsonProperty
	public String prefix() {
		return last(this.layout);
	}

	/**
	 * The key ranges whose keys belong to this layer and to no deeper one.
	 * @return the ranges
	 */
	public List<EtcdKeyRange> ranges() {
		return this.layout.layerRanges(index());
	}

	/**
	 * Whether a key belongs to this layer.
	 * @param key the key
	 * @return whether it does
	 */
	public boolean contains(String key) {
		return this.layout.layerOf(key) == index();
	}

	/**
	 * Whether this is an application's own layer, the one a staged rollout releases into.
	 * @return whether it has an application and no profile
	 */
	@JsonIgnore
	public boolean isApplicationLayer() {
		return this.application != null && this.profile == null;
	}

	/**
	 * Whether the layers of other applications or profiles sit right in this layer's
	 * folder, as in the layout of 0.1.0 ({@code /config/{application}/}): their keys
	 * cannot be told from this layer's, so nothing may be pruned.
	 * @return whether they may
	 */
	public boolean sharesItsFolder() {
		return this.layout.applicationFolders().contains(prefix()) || this.layout.profileFolders().contains(prefix());
	}

	/**
	 * Where the release records of this layer are kept: the layer's prefix under the
	 * releases prefix, so that one permission on
	 * {@code /config-releases/config-apps/billing/} covers every layer of billing.
	 * @param releasesPrefix the releases prefix
	 * @return the folder
	 */
	public String releasesFolder(String releasesPrefix) {
		return releasesPrefix + prefix().substring(1) + "releases/";
	}

	@Override
	public String toString() {
		return prefix() + ((this.application != null) ? " (application " + this.application
				+ ((this.profile != null) ? ", profile " + this.profile : "") + ")" : " (shared)");
	}

}
