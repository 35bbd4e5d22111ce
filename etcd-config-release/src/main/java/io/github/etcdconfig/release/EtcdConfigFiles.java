package io.github.etcdconfig.release;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.github.etcdconfig.config.EtcdConfigProblem;
import io.github.etcdconfig.config.EtcdConfigSnapshot;
import io.github.etcdconfig.ranges.EtcdKeyEvent;
import io.github.etcdconfig.config.EtcdKeyMapper;
import io.github.etcdconfig.config.EtcdPropertyChange;

/**
 * Turns configuration files into the keys of a layer, with the starter's own code: each
 * file is parsed as the application would parse a document key of that layer (Spring
 * Boot's YAML and properties loaders, the layer's profiles for
 * {@code spring.config.activate.on-profile}), and the keys made from its properties are
 * read back the way the application reads keys. A file is accepted only when the
 * application would load exactly the properties it holds.
 */
final class EtcdConfigFiles {

	private EtcdConfigFiles() {
	}

	/**
	 * The keys that hold files.
	 * @param layer the layer to write
	 * @param files the files; a property of a later file wins
	 * @param document the name of one document key to hold the only file as it is, or
	 * {@code null} for a key per property
	 * @return the keys and their values, and the property each plain key holds
	 * @throws EtcdReleaseException (invalid) naming the file, and the line and column or
	 * the property, when a file cannot be taken as it is
	 */
	static Keys keys(EtcdLayer layer, List<EtcdConfigFile> files, String document) {
		if (files.isEmpty()) {
			throw EtcdReleaseException.invalid("Name at least one .yml, .yaml or .properties file");
		}
		if (document != null) {
			return documentKey(layer, files, document);
		}
		Map<String, String> properties = new TreeMap<>();
		Map<String, String> origins = new LinkedHashMap<>();
		for (EtcdConfigFile file : files) {
			Map<String, Object> parsed = properties(layer, file.name(), documentKey(layer, fileName(file)),
					file.content());
			parsed.forEach((name, value) -> {
				properties.put(name, String.valueOf(value));
				origins.put(name, file.name());
			});
		}
		Map<String, String> values = new TreeMap<>();
		Map<String, String> names = new LinkedHashMap<>();
		for (Map.Entry<String, String> property : properties.entrySet()) {
			String key = layer.prefix() + property.getKey().replace('.', '/');
			values.put(key, property.getValue());
			names.put(key, property.getKey());
		}
		readBack(layer, values, names, origins);
		return new Keys(values, names);
	}

	private static Keys documentKey(EtcdLayer layer, List<EtcdConfigFile> files, String document) {
		if (files.size() != 1) {
			throw EtcdReleaseException.invalid("A document key holds one file; " + files.size() + " were given");
		}
		if (!EtcdKeyMapper.isDocument(document) || document.startsWith("/") || document.contains("//")) {
			throw EtcdReleaseException.invalid("The document key name '" + document
					+ "' must end in .yml, .yaml or .properties and be relative to the layer, such as application.yml");
		}
		EtcdConfigFile file = files.get(0);
		String key = layer.prefix() + document;
		if (!layer.contains(key)) {
			throw EtcdReleaseException.invalid("The document key " + key + " would not belong to " + layer);
		}
		properties(layer, file.name(), key, file.content());
		Map<String, String> values = new TreeMap<>();
		values.put(key, new String(file.content(), StandardCharsets.UTF_8));
		return new Keys(values, Map.of());
	}

	/**
	 * The properties of a document, as an application of the layer reads them.
	 * @param layer the layer
	 * @param source the file or key, for messages
	 * @param key the document key it is read as
	 * @param content the document
	 * @return the properties
	 */
	static Map<String, Object> properties(EtcdLayer layer, String source, String key, byte[] content) {
		List<EtcdConfigProblem> problems = new ArrayList<>();
		EtcdConfigSnapshot snapshot = EtcdConfigSnapshot.of(layer.layout(), 1,
				List.of(EtcdKeyEvent.put(key.getBytes(StandardCharsets.UTF_8), content, 1)), problems::add);
		if (!problems.isEmpty()) {
			throw EtcdReleaseException.invalid(source + ": " + problems.get(0).message());
		}
		Map<String, Object> properties = new LinkedHashMap<>();
		for (String name : snapshot.getPropertyNames()) {
			properties.put(name, snapshot.getProperty(name));
		}
		return properties;
	}

	/**
	 * What a change of a document key changes in the properties it holds, as an
	 * application of the layer reads them.
	 * @param layer the layer of the key
	 * @param key the document key
	 * @param before its value before, {@code null} when absent
	 * @param after its value after, {@code null} when absent
	 * @return the properties that change, by name
	 */
	static List<EtcdPropertyChange> documentChanges(EtcdLayer layer, String key, String before, String after) {
		Map<String, Object> old = document(layer, key, before);
		Map<String, Object> now = document(layer, key, after);
		Set<String> names = new TreeSet<>(old.keySet());
		names.addAll(now.keySet());
		List<EtcdPropertyChange> changes = new ArrayList<>();
		for (String name : names) {
			if (!Objects.equals(old.get(name), now.get(name))) {
				changes.add(new EtcdPropertyChange(name, old.get(name), now.get(name), key));
			}
		}
		return changes;
	}

	private static Map<String, Object> document(EtcdLayer layer, String key, String value) {
		return (value != null) ? properties(layer, key, key, value.getBytes(StandardCharsets.UTF_8)) : Map.of();
	}

	// The application reads the keys back as the properties of the files, or the files
	// cannot be released as keys.
	private static void readBack(EtcdLayer layer, Map<String, String> values, Map<String, String> names,
			Map<String, String> origins) {
		List<EtcdKeyEvent> events = new ArrayList<>();
		values.forEach((key, value) -> events
			.add(EtcdKeyEvent.put(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), 1)));
		List<EtcdConfigProblem> problems = new ArrayList<>();
		EtcdConfigSnapshot read = EtcdConfigSnapshot.of(layer.layout(), 1, events, problems::add);
		for (Map.Entry<String, String> entry : names.entrySet()) {
			String key = entry.getKey();
			String name = entry.getValue();
			if (!key.equals(read.getKey(name)) || !Objects.equals(values.get(key), read.getProperty(name))) {
				throw EtcdReleaseException.invalid(
						origins.get(name) + ": no key can carry the property '" + name + "': " + why(layer, key, name));
			}
		}
	}

	private static String why(EtcdLayer layer, String key, String name) {
		if (!layer.contains(key)) {
			return "its key " + key + " lies in a folder of other layers";
		}
		String read = EtcdKeyMapper.propertyName(key.substring(layer.prefix().length()));
		if (read == null) {
			return "a key name may not hold empty segments, white space or control characters";
		}
		return (read.equals(name)) ? "another key of the files holds it" : "its key " + key + " reads as " + read;
	}

	private static String fileName(EtcdConfigFile file) {
		Path name = Path.of(file.name()).getFileName();
		String text = (name != null) ? name.toString() : file.name();
		if (!EtcdKeyMapper.isDocument(text)) {
			throw EtcdReleaseException
				.invalid(file.name() + ": only .yml, .yaml and .properties files can be " + "released");
		}
		return text;
	}

	/**
	 * The document key of the layer that a file is read as.
	 * @param layer the layer
	 * @param file the file
	 * @return the key
	 */
	static String documentKey(EtcdLayer layer, EtcdConfigFile file) {
		return documentKey(layer, fileName(file));
	}

	private static String documentKey(EtcdLayer layer, String fileName) {
		// A name of the layer's own folder, so the application's reading of a document of
		// this layer applies.
		return layer.prefix() + fileName.replace('/', '_');
	}

	/**
	 * Keys made from files.
	 *
	 * @param values key to value
	 * @param names key to the property it holds; none for a document key
	 */
	record Keys(Map<String, String> values, Map<String, String> names) {

	}

}
