package io.github.etcdconfig.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.github.etcdconfig.ranges.EtcdKeyRange;

import org.springframework.util.StringUtils;

/**
 * The resolved key prefixes of one etcd source, in increasing precedence, and the
 * profiles they were resolved for. Decides which layer a key belongs to and which key
 * ranges must be read and watched.
 *
 * <p>
 * A prefix pattern that names {@code {application}} or {@code {profile}} after a fixed
 * folder reserves that folder for the layers of every application or profile:
 * {@code /config-apps/{application}/} reserves {@code /config-apps/}, and
 * {@code /config-apps/{application}/profiles/{profile}/} reserves the application's
 * {@code profiles/} folder. A reserved folder is no part of a layer around it: with
 * {@code /config/apps/{application}/}, the key {@code /config/apps/payment/x} is nothing
 * to the billing application, where it would otherwise be {@code apps.payment.x} of the
 * shared layer.
 *
 * <p>
 * The key ranges are the layers' prefixes without other applications' folders: an
 * instance neither reads nor watches another application's keys. Its own application's
 * folder is read and watched whole, other profiles included, which costs one watch for
 * all of its layers; keys of profiles that are not active belong to no layer. Each range
 * is one watch, and etcd delivers a transaction to each watch separately, so the default
 * layout keeps the application folders outside the shared prefix: the shared layer is
 * then one range, and a transaction within one layer is one refresh.
 *
 * @param prefixes the prefixes, lowest precedence first
 * @param profiles the active profiles, used by documents with
 * spring.config.activate.on-profile
 * @param applicationFolders folders reserved for the layers of applications
 * <p>
 * Each application layer reserves its folder {@code _rollout/}
 * ({@link EtcdRolloutSelector#FOLDER}) for a staged rollout: no key in it is a property
 * of the application layer. An instance's layout ({@link #withRolloutLayers()}) adds the
 * rollout's values, {@code _rollout/values/}, as a layer right above the application
 * layer and below its profile layers; it lies inside the application's folder, so it is
 * read and watched with it, and a transaction that changes the selector and the values is
 * one refresh. The snapshot shows that layer only while the selector matches the
 * instance.
 * @param prefixes the prefixes, lowest precedence first
 * @param profiles the active profiles, used by documents with
 * spring.config.activate.on-profile
 * @param applicationFolders folders reserved for the layers of applications
 * @param profileFolders folders reserved for the profile layers of this application
 * @param rolloutFolders the {@code _rollout/} folders reserved in the application layers
 */
public record EtcdConfigLayout(List<String> prefixes, Set<String> profiles, List<String> applicationFolders,
		List<String> profileFolders, List<String> rolloutFolders) {

	public EtcdConfigLayout {
		prefixes = List.copyOf(prefixes);
		profiles = Collections.unmodifiableSet(new LinkedHashSet<>(profiles));
		applicationFolders = List.copyOf(applicationFolders);
		profileFolders = List.copyOf(profileFolders);
		rolloutFolders = List.copyOf(rolloutFolders);
	}

	/**
	 * A layout without rollout folders.
	 * @param prefixes the prefixes, lowest precedence first
	 * @param profiles the active profiles
	 * @param applicationFolders folders reserved for the layers of applications
	 * @param profileFolders folders reserved for the profile layers of this application
	 */
	public EtcdConfigLayout(List<String> prefixes, Set<String> profiles, List<String> applicationFolders,
			List<String> profileFolders) {
		this(prefixes, profiles, applicationFolders, profileFolders, List.of());
	}

	/**
	 * Resolve prefix patterns for an application.
	 * @param patterns prefixes that may contain {@code {application}} and
	 * {@code {profile}}
	 * @param applicationName spring.application.name, or {@code null}
	 * @param profiles the active profiles, in activation order
	 * @return the layout
	 */
	public static EtcdConfigLayout resolve(Collection<String> patterns, String applicationName,
			Collection<String> profiles) {
		LinkedHashSet<String> resolved = new LinkedHashSet<>();
		LinkedHashSet<String> applicationFolders = new LinkedHashSet<>();
		LinkedHashSet<String> profileFolders = new LinkedHashSet<>();
		LinkedHashSet<String> rolloutFolders = new LinkedHashSet<>();
		boolean named = StringUtils.hasText(applicationName);
		for (String pattern : patterns) {
			String original = pattern;
			if (pattern.contains(EtcdConfigProperties.APPLICATION_PLACEHOLDER)) {
				applicationFolders.add(folderBefore(pattern, EtcdConfigProperties.APPLICATION_PLACEHOLDER));
				if (!named) {
					continue;
				}
				pattern = pattern.replace(EtcdConfigProperties.APPLICATION_PLACEHOLDER, applicationName);
			}
			if (pattern.contains(EtcdConfigProperties.PROFILE_PLACEHOLDER)) {
				profileFolders.add(folderBefore(pattern, EtcdConfigProperties.PROFILE_PLACEHOLDER));
				for (String profile : profiles) {
					addLast(resolved, pattern.replace(EtcdConfigProperties.PROFILE_PLACEHOLDER, profile));
				}
			}
			else {
				addLast(resolved, pattern);
				if (named && !pattern.equals(original)) {
					rolloutFolders.add(pattern + EtcdRolloutSelector.FOLDER);
				}
			}
		}
		return new EtcdConfigLayout(new ArrayList<>(resolved), new LinkedHashSet<>(profiles),
				new ArrayList<>(applicationFolders), new ArrayList<>(profileFolders), new ArrayList<>(rolloutFolders));
	}

	/**
	 * This layout with the layer of each application layer's staged rollout, the values
	 * under {@code _rollout/values/}, right above the application layer: what an instance
	 * reads. Operator tools keep the layout without them, where the {@code _rollout/}
	 * folder belongs to no layer.
	 * @return the layout
	 */
	public EtcdConfigLayout withRolloutLayers() {
		List<String> layered = new ArrayList<>();
		for (String prefix : this.prefixes) {
			layered.add(prefix);
			String folder = prefix + EtcdRolloutSelector.FOLDER;
			if (this.rolloutFolders.contains(folder)) {
				layered.add(prefix + EtcdRolloutSelector.VALUES_FOLDER);
			}
		}
		return new EtcdConfigLayout(layered, this.profiles, this.applicationFolders, this.profileFolders,
				this.rolloutFolders);
	}

	/**
	 * The rollout folder whose values a layer holds.
	 * @param layer the index into {@link #prefixes()}
	 * @return the folder, such as {@code /config-apps/orders/_rollout/}, or {@code null}
	 * when the layer is no rollout's
	 */
	public String rolloutFolderOf(int layer) {
		String prefix = this.prefixes.get(layer);
		if (!prefix.endsWith(EtcdRolloutSelector.VALUES_FOLDER)) {
			return null;
		}
		String folder = prefix.substring(0, prefix.length() - EtcdRolloutSelector.VALUES_FOLDER.length())
				+ EtcdRolloutSelector.FOLDER;
		return this.rolloutFolders.contains(folder) ? folder : null;
	}

	/**
	 * The rollout layer whose selector a key is.
	 * @param key the etcd key
	 * @return the index into {@link #prefixes()} of the rollout's values layer, or -1
	 * when the key is no selector of a rollout layer of this layout
	 */
	public int rolloutLayerOfSelector(String key) {
		if (!key.endsWith(EtcdRolloutSelector.SELECTOR_KEY)) {
			return -1;
		}
		String base = key.substring(0, key.length() - EtcdRolloutSelector.SELECTOR_KEY.length());
		return this.prefixes.indexOf(base + EtcdRolloutSelector.VALUES_FOLDER);
	}

	private static String folderBefore(String pattern, String placeholder) {
		return pattern.substring(0, pattern.indexOf(placeholder));
	}

	// A prefix named twice ranks where it was named last.
	private static void addLast(LinkedHashSet<String> set, String value) {
		set.remove(value);
		set.add(value);
	}

	/**
	 * The layer of a key: the longest prefix that contains it, unless the key lies in a
	 * folder reserved for other layers inside that prefix.
	 * @param key the etcd key
	 * @return the index into {@link #prefixes()}, or -1 when the key belongs to no layer
	 */
	public int layerOf(String key) {
		int best = -1;
		for (int i = 0; i < this.prefixes.size(); i++) {
			String prefix = this.prefixes.get(i);
			if (key.startsWith(prefix) && (best < 0 || prefix.length() > this.prefixes.get(best).length())) {
				best = i;
			}
		}
		if (best >= 0 && (reserves(this.applicationFolders, this.prefixes.get(best), key)
				|| reserves(this.profileFolders, this.prefixes.get(best), key)
				|| reserves(this.rolloutFolders, this.prefixes.get(best), key))) {
			return -1;
		}
		return best;
	}

	private static boolean reserves(List<String> folders, String prefix, String key) {
		for (String folder : folders) {
			if (isInside(folder, prefix) && key.startsWith(folder)) {
				return true;
			}
		}
		return false;
	}

	// A folder reserves keys of a layer only when it lies strictly inside the layer's
	// prefix: the old layout's
	// /config/{application}/ names /config/ itself, which reserves nothing.
	private static boolean isInside(String folder, String prefix) {
		return folder.length() > prefix.length() && folder.startsWith(prefix);
	}

	/**
	 * The key ranges to read and watch: every prefix, without the application folders
	 * inside it, merged into as few ranges as hold the same keys.
	 * @return the ranges, in key order
	 */
	public List<EtcdKeyRange> ranges() {
		List<EtcdKeyRange> ranges = new ArrayList<>();
		for (String prefix : this.prefixes) {
			List<EtcdKeyRange> parts = List.of(EtcdKeyRange.prefix(prefix));
			for (String folder : this.applicationFolders) {
				if (isInside(folder, prefix)) {
					EtcdKeyRange reserved = EtcdKeyRange.prefix(folder);
					parts = parts.stream().flatMap((part) -> part.minus(reserved).stream()).toList();
				}
			}
			ranges.addAll(parts);
		}
		return EtcdKeyRange.merge(ranges);
	}

	/**
	 * The key ranges of one layer: its prefix without the prefixes of deeper layers and
	 * the reserved folders inside it. A key lies in them exactly when {@link #layerOf}
	 * gives that layer, so a transaction can guard or read one layer and nothing else.
	 * @param layer the index into {@link #prefixes()}
	 * @return the ranges, in key order
	 */
	public List<EtcdKeyRange> layerRanges(int layer) {
		String prefix = this.prefixes.get(layer);
		List<String> inside = new ArrayList<>(this.prefixes);
		inside.addAll(this.applicationFolders);
		inside.addAll(this.profileFolders);
		inside.addAll(this.rolloutFolders);
		List<EtcdKeyRange> parts = List.of(EtcdKeyRange.prefix(prefix));
		for (String other : inside) {
			if (isInside(other, prefix)) {
				EtcdKeyRange taken = EtcdKeyRange.prefix(other);
				parts = parts.stream().flatMap((part) -> part.minus(taken).stream()).toList();
			}
		}
		return EtcdKeyRange.merge(parts);
	}

	@Override
	public String toString() {
		return String.join(", ", this.prefixes);
	}

}
