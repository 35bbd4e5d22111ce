package io.github.etcdconfig.console.web;

import java.util.ArrayList;
import java.util.List;

import io.github.etcdconfig.actuate.EtcdValueSanitizer;
import io.github.etcdconfig.config.EtcdPropertyChange;
import io.github.etcdconfig.release.EtcdKeyChange;
import io.github.etcdconfig.release.EtcdLayer;
import io.github.etcdconfig.release.EtcdLayerChange;
import io.github.etcdconfig.release.EtcdProperty;
import io.github.etcdconfig.release.EtcdPropertyRelease;
import io.github.etcdconfig.release.EtcdRelease;
import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleases;

import org.springframework.stereotype.Component;

/**
 * Turns what the release API returns into what a page may show: every value whose name
 * looks sensitive masked with the starter's rules, and every document key masked as a
 * whole and shown by the properties it changes. The page models are built here only, so a
 * masked value never reaches a template.
 */
@Component
public class EtcdConsoleMasks {

	/** The mask of a hidden value, as the starter's endpoint and the CLI show it. */
	public static final String MASK = "******";

	private final EtcdValueSanitizer sanitizer;

	public EtcdConsoleMasks(EtcdValueSanitizer sanitizer) {
		this.sanitizer = sanitizer;
	}

	/**
	 * A value as it may be shown.
	 * @param name the property, or {@code null} for a whole document
	 * @param value the value, or {@code null}
	 * @return the value, or the mask
	 */
	public Object show(String name, Object value) {
		if (value == null) {
			return null;
		}
		return (name != null) ? this.sanitizer.sanitize(null, name, value, true) : MASK;
	}

	/**
	 * Whether a property's values are masked.
	 * @param name the property
	 * @return whether they are
	 */
	public boolean isMasked(String name) {
		return MASK.equals(show(name, "value"));
	}

	/**
	 * A property as a page may show it.
	 */
	public EtcdProperty show(EtcdProperty property) {
		return new EtcdProperty(property.name(), show(property.name(), property.value()), property.key(),
				property.revision(), property.layer());
	}

	/**
	 * One property's past value as a page may show it.
	 */
	public EtcdPropertyRelease show(String name, EtcdPropertyRelease release) {
		return new EtcdPropertyRelease(release.release(), release.time(), release.author(), release.message(),
				release.key(), show(name, release.oldValue()), show(name, release.newValue()));
	}

	/**
	 * What a release plan changes, layer by layer.
	 */
	public List<LayerDiff> diff(EtcdReleases releases, EtcdReleasePlan plan) {
		List<LayerDiff> diffs = new ArrayList<>();
		for (EtcdLayerChange layer : plan.layers()) {
			diffs.add(new LayerDiff(layer.layer().toString(), layer.added(), layer.changed(), layer.removed(),
					layer.keysBefore(), layer.keysAfter(), layer.emptiesLayer(),
					changes(releases, layer.layer(), layer.changes())));
		}
		return diffs;
	}

	/**
	 * What a published release changed.
	 */
	public List<Change> changes(EtcdReleases releases, EtcdRelease release) {
		return changes(releases, releases.layer(release.application(), release.profile()), release.changes());
	}

	private List<Change> changes(EtcdReleases releases, EtcdLayer layer, List<EtcdKeyChange> changes) {
		List<Change> rows = new ArrayList<>();
		for (EtcdKeyChange change : changes) {
			List<Change> properties = new ArrayList<>();
			if (change.name() == null) {
				for (EtcdPropertyChange property : releases.documentChanges(layer, change)) {
					properties.add(new Change(type(property), property.name(), property.key(),
							show(property.name(), property.oldValue()), show(property.name(), property.newValue()),
							List.of()));
				}
			}
			rows.add(new Change(change.type().name().toLowerCase(),
					(change.name() != null) ? change.name() : change.key() + " (document)", change.key(),
					show(change.name(), change.oldValue()), show(change.name(), change.newValue()), properties));
		}
		return rows;
	}

	private static String type(EtcdPropertyChange change) {
		if (change.oldValue() == null) {
			return "added";
		}
		return change.isRemoval() ? "removed" : "changed";
	}

	/**
	 * What a release does to one layer, as shown.
	 *
	 * @param layer the layer
	 * @param added keys added
	 * @param changed keys changed
	 * @param removed keys removed
	 * @param keysBefore the layer's keys before
	 * @param keysAfter the layer's keys after
	 * @param emptiesLayer whether it deletes every key of the layer
	 * @param changes the changes
	 */
	public record LayerDiff(String layer, int added, int changed, int removed, int keysBefore, int keysAfter,
			boolean emptiesLayer, List<Change> changes) {

	}

	/**
	 * The change of a key, or of a property inside a document key, with masked values.
	 *
	 * @param type added, changed or removed
	 * @param what the property, or the document key
	 * @param key the etcd key
	 * @param before the value before, masked
	 * @param after the value after, masked
	 * @param properties for a document key, the properties it changes
	 */
	public record Change(String type, String what, String key, Object before, Object after, List<Change> properties) {

	}

}
