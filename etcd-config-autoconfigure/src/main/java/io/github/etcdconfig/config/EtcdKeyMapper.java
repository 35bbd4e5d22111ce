package io.github.etcdconfig.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Profiles;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.util.ClassUtils;

/**
 * Maps etcd keys to property names and parses document keys. A plain key maps by
 * stripping its layer's prefix and turning {@code /} into {@code .}:
 * {@code /config/database/host} is {@code database.host}. A key ending in {@code .yml},
 * {@code .yaml} or {@code .properties} holds a document whose properties are placed under
 * the document's folder: {@code /config/application.yml} contributes top-level names,
 * {@code /config/db/pool.yml} names under {@code db.}.
 */
public final class EtcdKeyMapper {

	private static final String ON_PROFILE = "spring.config.activate.on-profile";

	private static final String ACTIVATE = "spring.config.activate.";

	/** Documents in YAML need SnakeYAML, an optional dependency. */
	static final String YAML_CLASS = "org.yaml.snakeyaml.Yaml";

	private static final boolean YAML_PRESENT = ClassUtils.isPresent(YAML_CLASS, EtcdKeyMapper.class.getClassLoader());

	private EtcdKeyMapper() {
	}

	/**
	 * Decode UTF-8 strictly: malformed bytes are an error, never a replacement character
	 * in a value.
	 * @param bytes the bytes
	 * @return the text
	 * @throws CharacterCodingException when the bytes are not UTF-8
	 */
	public static String decode(byte[] bytes) throws CharacterCodingException {
		if (isAscii(bytes)) {
			// Most keys and values: no decoder and no char buffer to make, once for each
			// of 100,000 keys at start-up.
			return new String(bytes, StandardCharsets.US_ASCII);
		}
		return StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT)
			.decode(ByteBuffer.wrap(bytes))
			.toString();
	}

	private static boolean isAscii(byte[] bytes) {
		for (byte b : bytes) {
			if (b < 0) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether a key holds a whole document: its name ends in .yml, .yaml or .properties.
	 * @param suffix the key without its layer prefix
	 * @return whether it is a document key
	 */
	public static boolean isDocument(String suffix) {
		// No lower-case copy of every key of a load.
		return endsWithIgnoreCase(suffix, ".yml") || endsWithIgnoreCase(suffix, ".yaml")
				|| endsWithIgnoreCase(suffix, ".properties");
	}

	// ASCII letters only, as a lower-case copy in Locale.ROOT compares them: a dotless i
	// (U+0131) is no i here.
	private static boolean endsWithIgnoreCase(String text, String lowerCaseEnd) {
		int from = text.length() - lowerCaseEnd.length();
		if (from < 0) {
			return false;
		}
		for (int i = 0; i < lowerCaseEnd.length(); i++) {
			char c = text.charAt(from + i);
			char lower = (c >= 'A' && c <= 'Z') ? (char) (c + ('a' - 'A')) : c;
			if (lower != lowerCaseEnd.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The property name of a plain key.
	 * @param suffix the key without its layer prefix
	 * @return the name, or {@code null} when the key maps to no usable name (empty, an
	 * empty segment, white space or control characters)
	 */
	public static String propertyName(String suffix) {
		// One pass: every key of a first load comes through here.
		boolean boundary = true;
		for (int i = 0; i < suffix.length(); i++) {
			char c = suffix.charAt(i);
			if (c == '/' || c == '.') {
				if (boundary) {
					return null;
				}
				boundary = true;
			}
			else if (c <= ' ' || c == 127 || (c > 127 && (Character.isWhitespace(c) || Character.isISOControl(c)))) {
				return null;
			}
			else {
				boundary = false;
			}
		}
		return boundary ? null : suffix.replace('/', '.');
	}

	/**
	 * Parse a document key with Spring Boot's own loaders.
	 * @param key the etcd key
	 * @param suffix the key without its layer prefix
	 * @param modRevision the revision that wrote the key
	 * @param value the document
	 * @param profiles the active profiles, for sections with
	 * spring.config.activate.on-profile
	 * @return the properties, later sections winning, each with its line in the document
	 * as origin
	 * @throws IOException when the document does not parse
	 */
	static Map<String, OriginTrackedValue> parseDocument(String key, String suffix, long modRevision, byte[] value,
			Set<String> profiles) throws IOException {
		String lower = suffix.toLowerCase(Locale.ROOT);
		boolean yaml = !lower.endsWith(".properties");
		if (yaml && !YAML_PRESENT) {
			throw new IOException("SnakeYAML is not on the classpath, so YAML documents cannot be read");
		}
		PropertySourceLoader loader = yaml ? new YamlPropertySourceLoader() : new PropertiesPropertySourceLoader();
		String description = EtcdPropertyOrigin.describe(key, modRevision);
		List<PropertySource<?>> sections = loader.load(description, new DocumentResource(value, description));
		int slash = suffix.lastIndexOf('/');
		String folder = (slash < 0) ? "" : suffix.substring(0, slash).replace('/', '.') + ".";
		Map<String, OriginTrackedValue> properties = new LinkedHashMap<>();
		for (PropertySource<?> section : sections) {
			EnumerablePropertySource<?> enumerable = (EnumerablePropertySource<?>) section;
			Object onProfile = enumerable.getProperty(ON_PROFILE);
			if (onProfile != null && !Profiles.of(onProfile.toString().split(",")).matches(profiles::contains)) {
				continue;
			}
			for (String name : enumerable.getPropertyNames()) {
				if (name.startsWith(ACTIVATE)) {
					continue;
				}
				Object raw = enumerable.getProperty(name);
				Origin origin = (section instanceof OriginLookup<?> lookup) ? originOf(lookup, name) : null;
				Object unwrapped = (raw instanceof OriginTrackedValue tracked) ? tracked.getValue() : raw;
				properties.remove(folder + name);
				properties.put(folder + name, OriginTrackedValue.of(unwrapped, origin));
			}
		}
		return properties;
	}

	@SuppressWarnings("unchecked")
	private static Origin originOf(OriginLookup<?> lookup, String name) {
		return ((OriginLookup<String>) lookup).getOrigin(name);
	}

	/**
	 * What went wrong in a document, with its position but without the document's text:
	 * parsers quote the offending line, and it may hold a secret.
	 * @param ex the parse failure
	 * @return the description
	 */
	static String describeParseError(Exception ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (YAML_PRESENT && cause instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked) {
				org.yaml.snakeyaml.error.Mark mark = marked.getProblemMark();
				return marked.getProblem() + ((mark != null)
						? " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) : "");
			}
		}
		String message = ex.getMessage();
		if (message == null) {
			return ex.getClass().getSimpleName();
		}
		String first = message.lines().findFirst().orElse(message);
		return (first.length() > 200) ? first.substring(0, 200) + "..." : first;
	}

	/**
	 * The document's bytes, described as its etcd key so origins read "etcd key ...
	 * (revision n) - 3:7".
	 */
	private static final class DocumentResource extends ByteArrayResource {

		private final String description;

		DocumentResource(byte[] content, String description) {
			super(content, description);
			this.description = description;
		}

		@Override
		public String getDescription() {
			return this.description;
		}

		@Override
		public String getFilename() {
			return null;
		}

	}

}
