package io.github.etcdconfig.console.web;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.etcdconfig.release.EtcdConfigExport;
import io.github.etcdconfig.release.EtcdConfigFile;
import io.github.etcdconfig.release.EtcdConfigView;
import io.github.etcdconfig.release.EtcdKeyChange;
import io.github.etcdconfig.release.EtcdLayer;
import io.github.etcdconfig.release.EtcdProperty;
import io.github.etcdconfig.release.EtcdPushOptions;
import io.github.etcdconfig.release.EtcdReleaseMasks;
import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleases;

import org.springframework.stereotype.Component;

/**
 * A layer as text to edit, YAML or properties, and the release that gives the layer the
 * edited text. The text is the whole layer: a property left out is deleted (unless other
 * layers share the layer's folder, as in the layout of 0.1.0, where nothing can be
 * pruned). Sensitive values appear masked; a masked value left as it is keeps the value
 * the layer holds, so editing one property never needs, nor shows, the secrets beside it.
 */
@Component
public class EtcdLayerText {

	private final EtcdReleaseMasks masks;

	public EtcdLayerText(EtcdReleaseMasks masks) {
		this.masks = masks;
	}

	/**
	 * The layer's properties as a file, sensitive values masked.
	 * @param releases the releases
	 * @param layer the layer
	 * @param format YAML or properties
	 * @return the text
	 */
	public String text(EtcdReleases releases, EtcdLayer layer, EtcdConfigExport.Format format) {
		return write(layer, releases.properties(layer).properties().stream().map(this.masks::show).toList(), format);
	}

	/**
	 * The edited text as the layer will hold it: its properties as the applications read
	 * them, one per line, sensitive values masked.
	 * @param releases the releases
	 * @param layer the layer
	 * @param format the text's format
	 * @param text the text, valid
	 * @return the text to show
	 */
	public String normalized(EtcdReleases releases, EtcdLayer layer, EtcdConfigExport.Format format, String text) {
		EtcdConfigFile edited = new EtcdConfigFile(fileName(layer, format),
				encode(text, format).getBytes(StandardCharsets.UTF_8));
		return EtcdConfigExport.write(this.masks.show(releases.read(layer, edited)), format);
	}

	/**
	 * The release that gives the layer the text's properties.
	 * @param releases the releases
	 * @param layer the layer
	 * @param format the text's format
	 * @param text the edited text
	 * @return the plan
	 * @throws io.github.etcdconfig.release.EtcdReleaseException (invalid) when the text
	 * cannot be released
	 */
	public EtcdReleasePlan plan(EtcdReleases releases, EtcdLayer layer, EtcdConfigExport.Format format, String text) {
		EtcdConfigFile edited = new EtcdConfigFile(fileName(layer, format),
				encode(text, format).getBytes(StandardCharsets.UTF_8));
		EtcdPushOptions options = new EtcdPushOptions(prunes(releases, layer), null);
		EtcdReleasePlan plan = releases.planPush(layer, List.of(edited), options);
		Set<String> kept = plan.changes()
			.stream()
			.filter((change) -> change.name() != null && EtcdReleaseMasks.MASK.equals(change.newValue())
					&& this.masks.isMasked(change.name()))
			.map(EtcdKeyChange::name)
			.collect(Collectors.toSet());
		if (kept.isEmpty()) {
			return plan;
		}
		// A later file wins: the layer's own values of the masked properties, never seen
		// by the browser.
		List<EtcdProperty> current = releases.properties(layer)
			.properties()
			.stream()
			.filter((property) -> kept.contains(property.name()))
			.toList();
		EtcdConfigFile keep = new EtcdConfigFile("masked values kept.properties",
				write(layer, current, EtcdConfigExport.Format.PROPERTIES).getBytes(StandardCharsets.UTF_8));
		return releases.planPush(layer, List.of(edited, keep), options);
	}

	/**
	 * Whether a release from text deletes the properties the text leaves out: not when
	 * other layers share the layer's folder, and not for a new layer (such as the profile
	 * of a first gray release), which has nothing to delete.
	 * @param releases the releases
	 * @param layer the layer
	 * @return whether it does
	 */
	public boolean prunes(EtcdReleases releases, EtcdLayer layer) {
		return !layer.sharesItsFolder()
				&& !(releases.properties(layer).properties().isEmpty() && releases.history(layer, 1).isEmpty());
	}

	private static String write(EtcdLayer layer, List<EtcdProperty> properties, EtcdConfigExport.Format format) {
		return EtcdConfigExport.write(new EtcdConfigView(layer, 0, properties, List.of()), format);
	}

	// Named after the layer, for the API's messages (billing-canary.yml: 3:7 ...).
	private static String fileName(EtcdLayer layer, EtcdConfigExport.Format format) {
		String name = (layer.application() != null)
				? layer.application() + ((layer.profile() != null) ? "-" + layer.profile() : "") : "shared";
		return name + ((format == EtcdConfigExport.Format.YAML) ? ".yml" : ".properties");
	}

	// Spring Boot reads a properties document as ISO 8859-1: other characters travel as
	// Unicode escapes.
	private static String encode(String text, EtcdConfigExport.Format format) {
		String lines = text.replace("\r\n", "\n");
		if (format == EtcdConfigExport.Format.YAML) {
			return lines;
		}
		StringBuilder escaped = new StringBuilder();
		for (char c : lines.toCharArray()) {
			escaped.append((c > 0x7e) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
		}
		return escaped.toString();
	}

}
