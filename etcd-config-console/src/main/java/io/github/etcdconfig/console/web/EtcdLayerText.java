package io.github.etcdconfig.console.web;

import java.nio.charset.StandardCharsets;

import io.github.etcdconfig.release.EtcdConfigExport;
import io.github.etcdconfig.release.EtcdConfigFile;
import io.github.etcdconfig.release.EtcdLayer;
import io.github.etcdconfig.release.EtcdReleaseMasks;
import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleases;

import org.springframework.stereotype.Component;

/**
 * A layer as text to edit, YAML or properties, and the release that gives the layer the
 * edited text, as the release API plans an edit ({@link EtcdReleases#planEdit}): only
 * what the text changes is written, each property in the key that holds it. Sensitive
 * values appear masked; a masked value left as it is keeps the value the layer holds, so
 * editing one property never needs, nor shows, the secrets beside it.
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
		return EtcdConfigExport.write(this.masks.show(releases.properties(layer)), format);
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
		return EtcdConfigExport.write(this.masks.show(releases.read(layer, file(layer, format, text))), format);
	}

	/**
	 * The release that gives the layer the text's properties, changing only what the text
	 * changes ({@link EtcdReleases#planEdit}).
	 * @param releases the releases
	 * @param layer the layer
	 * @param format the text's format
	 * @param text the edited text
	 * @return the plan
	 * @throws io.github.etcdconfig.release.EtcdReleaseException (invalid) when the text
	 * cannot be released
	 */
	public EtcdReleasePlan plan(EtcdReleases releases, EtcdLayer layer, EtcdConfigExport.Format format, String text) {
		return releases.planEdit(layer, file(layer, format, text), this.masks);
	}

	private static EtcdConfigFile file(EtcdLayer layer, EtcdConfigExport.Format format, String text) {
		return new EtcdConfigFile(fileName(layer, format), encode(text, format).getBytes(StandardCharsets.UTF_8));
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
