package io.github.etcdconfig.console.web;

import java.util.List;

import io.github.etcdconfig.config.EtcdPropertyChange;
import io.github.etcdconfig.release.EtcdKeyChange;
import io.github.etcdconfig.release.EtcdLayerChange;
import io.github.etcdconfig.release.EtcdRelease;
import io.github.etcdconfig.release.EtcdReleaseMasks;
import io.github.etcdconfig.release.EtcdReleasePlan;

import org.springframework.stereotype.Component;

/**
 * Turns the changes of a plan or a release into the rows a page shows, values masked with
 * the release API's masks ({@link EtcdReleaseMasks}): a document key masked as a whole
 * and shown by the properties it changes, as the planner worked them out. The page models
 * of changes are built here only, so an unmasked value never reaches a template.
 */
@Component
public class EtcdChangeRows {

	private final EtcdReleaseMasks masks;

	public EtcdChangeRows(EtcdReleaseMasks masks) {
		this.masks = masks;
	}

	/**
	 * What a release plan changes, layer by layer.
	 * @param plan the plan
	 * @return the rows, values masked
	 */
	public List<LayerDiff> diff(EtcdReleasePlan plan) {
		return this.masks.show(plan)
			.layers()
			.stream()
			.map((layer) -> new LayerDiff(layer.layer().toString(), layer.added(), layer.changed(), layer.removed(),
					layer.keysBefore(), layer.keysAfter(), layer.emptiesLayer(), rows(layer)))
			.toList();
	}

	/**
	 * A published release with what it changed.
	 * @param release the release
	 * @return the row, values masked
	 */
	public ReleaseRow release(EtcdRelease release) {
		return new ReleaseRow(release, this.masks.show(release).changes().stream().map(EtcdChangeRows::row).toList());
	}

	private static List<Change> rows(EtcdLayerChange layer) {
		return layer.changes().stream().map(EtcdChangeRows::row).toList();
	}

	private static Change row(EtcdKeyChange change) {
		List<Change> properties = change.properties()
			.stream()
			.map((property) -> new Change(type(property), property.name(), property.key(), property.oldValue(),
					property.newValue(), List.of()))
			.toList();
		return new Change(change.type().name().toLowerCase(),
				(change.name() != null) ? change.name() : change.key() + " (document)", change.key(), change.oldValue(),
				change.newValue(), properties);
	}

	private static String type(EtcdPropertyChange change) {
		if (change.oldValue() == null) {
			return "added";
		}
		return change.isRemoval() ? "removed" : "changed";
	}

	/**
	 * A published release, as a history or a conflict shows it.
	 *
	 * @param release the release
	 * @param changes what it changed, masked
	 */
	public record ReleaseRow(EtcdRelease release, List<Change> changes) {

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
