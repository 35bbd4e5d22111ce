package io.github.etcdconfig.release;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.etcd.jetcd.KV;
import io.github.etcdconfig.ranges.EtcdKeyEvent;

/**
 * Computes releases: what a push, a rollback or a promotion changes in etcd as it is now.
 * Reads each layer and its last release at one revision, which the plan carries so that
 * publishing it can tell whether anything changed meanwhile.
 */
final class EtcdReleasePlanner {

	private final KV kv;

	private final EtcdReleaseRecords records;

	private final EtcdReleaseSettings settings;

	EtcdReleasePlanner(KV kv, EtcdReleaseRecords records, EtcdReleaseSettings settings) {
		this.kv = kv;
		this.records = records;
		this.settings = settings;
	}

	EtcdReleasePlan push(EtcdLayer layer, List<EtcdConfigFile> files, EtcdPushOptions options) {
		if (options.prune()) {
			checkPrunable(layer, "prune");
		}
		EtcdConfigFiles.Keys keys = EtcdConfigFiles.keys(layer, files, options.document());
		EtcdLayerState state = read(layer);
		EtcdLayerState.Layer current = state.layer(0);
		if (options.prune() && current.keys().isEmpty() && current.lastRelease() == 0) {
			throw EtcdReleaseException.invalid("Nothing to prune: " + layer + " has no keys and no releases. "
					+ "Check the application and profile; without --prune a push creates the layer.");
		}
		Map<String, String> targets = new HashMap<>(keys.values());
		if (options.prune()) {
			current.keys().keySet().forEach((key) -> targets.putIfAbsent(key, null));
		}
		return plan(EtcdReleasePlan.Kind.PUSH, null, state, targets, keys.names());
	}

	EtcdReleasePlan rollback(EtcdLayer layer, long to) {
		EtcdLayerState state = read(layer);
		EtcdLayerState.Layer current = state.layer(0);
		if (to < 0 || to > current.lastRelease()) {
			throw EtcdReleaseException
				.invalid(layer + " has no release " + to + " (its last is " + current.lastRelease() + ")");
		}
		// The layer as it was right after a release is the layer now with every later
		// release undone: each key
		// goes back to its value before the oldest later release that changed it. So
		// every later release must be kept.
		List<EtcdRelease> later = this.records.read(layer, to + 1, 0, state.revision());
		long oldest = later.isEmpty() ? current.lastRelease() + 1 : later.get(later.size() - 1).id();
		if (oldest != to + 1) {
			throw EtcdReleaseException.invalid("Cannot go back to release " + to + " of " + layer + ": release "
					+ (to + 1) + " is no longer kept (the last " + this.settings.keep() + " are)");
		}
		Map<String, String> targets = new HashMap<>();
		for (EtcdRelease release : later) {
			release.changes().forEach((change) -> targets.put(change.key(), change.oldValue()));
		}
		return plan(EtcdReleasePlan.Kind.ROLLBACK, "to release " + to, state, targets, Map.of());
	}

	EtcdReleasePlan promote(String application, String profile) {
		EtcdLayer target = EtcdLayer.of(this.settings.prefixes(), application, null);
		EtcdLayer source = EtcdLayer.of(this.settings.prefixes(), application, profile);
		EtcdLayerState state = EtcdLayerState.read(this.kv, this.records, this.settings.timeout(), target, source);
		EtcdLayerState.Layer from = state.layer(1);
		Map<String, String> moved = new HashMap<>();
		Map<String, String> emptied = new HashMap<>();
		for (Map.Entry<String, EtcdKeyEvent> key : from.keys().entrySet()) {
			String destination = target.prefix() + key.getKey().substring(source.prefix().length());
			if (!target.contains(destination)) {
				throw EtcdReleaseException.invalid("etcd key " + key.getKey() + " cannot move to " + destination
						+ ", which lies in a folder of other layers");
			}
			moved.put(destination, from.value(key.getKey()));
			emptied.put(key.getKey(), null);
		}
		String detail = "from profile " + profile;
		List<EtcdKeyChange> toTarget = state.layer(0).changesTo(moved, Map.of());
		List<EtcdKeyChange> fromSource = from.changesTo(emptied, Map.of());
		return new EtcdReleasePlan(EtcdReleasePlan.Kind.PROMOTE, detail, state.revision(),
				List.of(layerChange(state.layer(0), toTarget), layerChange(from, fromSource)));
	}

	EtcdReleasePlan edit(EtcdLayer layer, EtcdConfigFile edited, EtcdReleaseMasks masks) {
		Map<String, Object> wanted = EtcdConfigFiles.properties(layer, edited.name(),
				EtcdConfigFiles.documentKey(layer, edited), edited.content());
		EtcdLayerState state = read(layer);
		EtcdLayerState.Layer current = state.layer(0);
		boolean prunable = prunable(layer);
		Map<String, String> targets = new HashMap<>();
		Map<String, Map<String, Object>> documents = new TreeMap<>();
		Set<String> held = new HashSet<>();
		for (EtcdProperty property : EtcdConfigViews.view(layer, state.revision(), current.keys().values())
			.properties()) {
			String name = property.name();
			held.add(name);
			Object value = wanted.get(name);
			boolean kept = (value != null) ? text(value).equals(text(property.value()))
					|| (EtcdReleaseMasks.MASK.equals(value) && masks.isMasked(name)) : !prunable;
			if (kept) {
				continue;
			}
			if (current.name(property.key()) != null) {
				targets.put(property.key(), (value != null) ? text(value) : null);
			}
			else {
				// A property of a document key: the document is written again with the
				// edit,
				// and stays a document.
				Map<String, Object> document = documents.computeIfAbsent(property.key(),
						(key) -> new TreeMap<>(EtcdConfigFiles.properties(layer, key, key,
								current.value(key).getBytes(StandardCharsets.UTF_8))));
				if (value != null) {
					document.put(name, value);
				}
				else {
					document.remove(name);
				}
			}
		}
		documents.forEach((key, properties) -> targets.put(key,
				(properties.isEmpty() && prunable) ? null : EtcdConfigExport.write(properties, key)));
		Map<String, Object> added = new TreeMap<>(wanted);
		added.keySet().removeAll(held);
		Map<String, String> names = Map.of();
		if (!added.isEmpty()) {
			EtcdConfigFiles.Keys keys = EtcdConfigFiles.keys(layer, List.of(new EtcdConfigFile(edited.name(),
					EtcdConfigExport.write(added, edited.name()).getBytes(StandardCharsets.UTF_8))), null);
			targets.putAll(keys.values());
			names = keys.names();
		}
		return plan(EtcdReleasePlan.Kind.PUSH, null, state, targets, names);
	}

	/**
	 * The end of a staged rollout as a release of its application's layer: the rollout's
	 * values written into the layer when it completes, nothing when it is rolled back.
	 * @param layer the application's layer
	 * @param detail how it ended
	 * @param values the rollout's values by key of the layer; none for a rollback
	 * @return the plan, of kind {@code ROLLOUT}
	 */
	EtcdReleasePlan rolloutEnd(EtcdLayer layer, String detail, Map<String, String> values) {
		return plan(EtcdReleasePlan.Kind.ROLLOUT, detail, read(layer), values, Map.of());
	}

	// How an application compares values: as text.
	private static String text(Object value) {
		return String.valueOf(value);
	}

	EtcdReleasePlan abandon(String application, String profile) {
		EtcdLayer layer = EtcdLayer.of(this.settings.prefixes(), application, profile);
		checkPrunable(layer, "abandon");
		EtcdLayerState state = read(layer);
		Map<String, String> emptied = new HashMap<>();
		state.layer(0).keys().keySet().forEach((key) -> emptied.put(key, null));
		return plan(EtcdReleasePlan.Kind.ABANDON, "profile " + profile, state, emptied, Map.of());
	}

	/**
	 * Whether a layer's keys may be deleted as a whole: not when other layers share its
	 * folder, as in the layout of 0.1.0, where nothing can be pruned.
	 */
	boolean prunable(EtcdLayer layer) {
		return !layer.sharesItsFolder();
	}

	private void checkPrunable(EtcdLayer layer, String what) {
		if (!prunable(layer)) {
			throw EtcdReleaseException.invalid("Cannot " + what + " " + layer + ": with the prefixes "
					+ this.settings.prefixes() + " the layers of other applications or profiles lie in its folder, "
					+ "and their keys cannot be told from its own");
		}
	}

	private EtcdLayerState read(EtcdLayer layer) {
		return EtcdLayerState.read(this.kv, this.records, this.settings.timeout(), layer);
	}

	private static EtcdReleasePlan plan(EtcdReleasePlan.Kind kind, String detail, EtcdLayerState state,
			Map<String, String> targets, Map<String, String> names) {
		EtcdLayerState.Layer current = state.layer(0);
		return new EtcdReleasePlan(kind, detail, state.revision(),
				List.of(layerChange(current, current.changesTo(targets, names))));
	}

	private static EtcdLayerChange layerChange(EtcdLayerState.Layer layer, List<EtcdKeyChange> changes) {
		return new EtcdLayerChange(layer.layer(), layer.lastRelease() + 1, layer.keys().size(),
				layer.keysAfter(changes), changes);
	}

}
