package io.github.etcdconfig.release;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Writes properties as a file that a push takes back as the same properties: flat names,
 * every value as text (YAML quotes what it would otherwise read as a number, a boolean or
 * null; properties escape what they must).
 */
public final class EtcdConfigExport {

	private EtcdConfigExport() {
	}

	/**
	 * A file format.
	 */
	public enum Format {

		/** YAML, {@code name: value} lines. */
		YAML,

		/** Java properties, ISO 8859-1 with Unicode escapes as Spring Boot reads them. */
		PROPERTIES;

		/**
		 * The format of a name, as given on a command line.
		 * @param name {@code yaml}, {@code yml} or {@code properties}
		 * @return the format
		 */
		public static Format of(String name) {
			return switch (name.toLowerCase(Locale.ROOT)) {
				case "yaml", "yml" -> YAML;
				case "properties" -> PROPERTIES;
				default -> throw EtcdReleaseException.invalid("Unknown format '" + name + "': yaml or properties");
			};
		}

	}

	/**
	 * Write properties.
	 * @param view the properties
	 * @param format the format
	 * @return the file's text
	 */
	public static String write(EtcdConfigView view, Format format) {
		Map<String, String> values = new LinkedHashMap<>();
		view.properties().forEach((property) -> values.put(property.name(), String.valueOf(property.value())));
		return (format == Format.YAML) ? yaml(values) : properties(values);
	}

	/**
	 * Write properties in the format of a file or document key name.
	 * @param properties the properties, by name
	 * @param name the file or key, ending in .yml, .yaml or .properties
	 * @return the text
	 */
	static String write(Map<String, Object> properties, String name) {
		Map<String, String> values = new LinkedHashMap<>();
		properties.forEach((property, value) -> values.put(property, String.valueOf(value)));
		return name.endsWith(".properties") ? properties(values) : yaml(values);
	}

	private static String yaml(Map<String, String> values) {
		if (values.isEmpty()) {
			return "{}\n";
		}
		DumperOptions options = new DumperOptions();
		options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
		options.setWidth(Integer.MAX_VALUE);
		return new Yaml(options).dump(values);
	}

	private static String properties(Map<String, String> values) {
		StringBuilder text = new StringBuilder();
		values.forEach(
				(name, value) -> text.append(escape(name, true)).append('=').append(escape(value, false)).append('\n'));
		return text.toString();
	}

	private static String escape(String text, boolean key) {
		StringBuilder escaped = new StringBuilder();
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '\\' -> escaped.append("\\\\");
				case '\n' -> escaped.append("\\n");
				case '\r' -> escaped.append("\\r");
				case '\t' -> escaped.append("\\t");
				case '\f' -> escaped.append("\\f");
				case '=', ':', '#', '!' -> escaped.append(key || i == 0 ? "\\" + c : String.valueOf(c));
				case ' ' -> escaped.append((key || i == 0) ? "\\ " : " ");
				default -> {
					if (c < 0x20 || c > 0x7e) {
						escaped.append(String.format("\\u%04x", (int) c));
					}
					else {
						escaped.append(c);
					}
				}
			}
		}
		return escaped.toString();
	}

}
