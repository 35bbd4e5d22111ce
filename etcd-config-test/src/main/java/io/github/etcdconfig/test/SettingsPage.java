package io.github.etcdconfig.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.springframework.boot.json.JsonParserFactory;

/**
 * The settings page of a module under {@code docs/settings/}, made from the
 * {@code META-INF/spring-configuration-metadata.json} that Spring Boot's configuration
 * processor writes from the Javadoc of its {@code @ConfigurationProperties} (the metadata
 * an IDE shows), so the page cannot drift from the code. Each module checks its page in a
 * test; {@code -Dsettings.pages.write=true} writes the page instead. Needs
 * {@code spring-boot} on the test class path (an optional dependency of this module).
 */
public final class SettingsPage {

	/** The system property that makes {@link #assertCurrent} write the page. */
	public static final String WRITE = "settings.pages.write";

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	private SettingsPage() {
	}

	/**
	 * Fail when {@code docs/settings/<file>} is not what the metadata of the module under
	 * test gives, or write it when {@value #WRITE} is {@code true}.
	 * @param module the artifact the page is about, as users add it
	 * @param file the page's file name under {@code docs/settings/}
	 * @param test the test class that checks it, named in the page and in the failure
	 */
	public static void assertCurrent(String module, String file, Class<?> test) {
		Path page = repository().resolve("docs/settings").resolve(file);
		String expected = render(module, test, read(ownMetadata()));
		try {
			if (Boolean.getBoolean(WRITE)) {
				Files.createDirectories(page.getParent());
				Files.writeString(page, expected);
				return;
			}
			String actual = Files.exists(page) ? Files.readString(page) : "";
			if (!actual.equals(expected)) {
				throw new AssertionError(page + " is not what the settings metadata of " + module
						+ " gives. Write it again with: ./mvnw -B -pl <module> -am test -Dtest=" + test.getSimpleName()
						+ " -Dsurefire.failIfNoSpecifiedTests=false -D" + WRITE + "=true");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The root of the repository: the closest directory above the working directory that
	 * holds {@code mvnw} and {@code docs}.
	 * @return the root
	 */
	public static Path repository() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("docs"))) {
				return dir;
			}
		}
		throw new IllegalStateException(
				"No repository (a directory with mvnw and docs) above " + Path.of("").toAbsolutePath());
	}

	/**
	 * The module's own metadata: the one in a directory, not in a jar or test classes.
	 */
	private static URL ownMetadata() {
		try {
			List<URL> own = Collections.list(SettingsPage.class.getClassLoader().getResources(METADATA))
				.stream()
				.filter((url) -> "file".equals(url.getProtocol()) && !url.getPath().contains("test-classes"))
				.toList();
			if (own.size() != 1) {
				throw new IllegalStateException("Expected the module's own " + METADATA + ", found " + own);
			}
			return own.get(0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> read(URL metadata) {
		try (InputStream in = metadata.openStream()) {
			Map<String, Object> json = JsonParserFactory.getJsonParser()
				.parseMap(new String(in.readAllBytes(), StandardCharsets.UTF_8));
			List<Map<String, Object>> groups = (List<Map<String, Object>>) json.getOrDefault("groups", List.of());
			List<Map<String, Object>> properties = new ArrayList<>(
					(List<Map<String, Object>>) json.getOrDefault("properties", List.of()));
			List<String> names = groups.stream().map((group) -> (String) group.get("name")).toList();
			properties.forEach((property) -> property.put("group", group((String) property.get("name"), names)));
			return properties;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The longest group that holds the name, else the name's parent. */
	private static String group(String name, List<String> groups) {
		return groups.stream()
			.filter((group) -> name.startsWith(group + "."))
			.max(Comparator.comparingInt(String::length))
			.orElse(name.substring(0, Math.max(name.lastIndexOf('.'), 0)));
	}

	private static String render(String module, Class<?> test, List<Map<String, Object>> properties) {
		StringBuilder page = new StringBuilder();
		page.append("# Settings of ").append(module).append("\n\n");
		page.append("<!-- Generated from the module's ")
			.append(METADATA)
			.append(" by ")
			.append(test.getSimpleName())
			.append(": change the Javadoc of the properties, then write this page again. -->\n\n");
		page.append("Every setting of `")
			.append(module)
			.append("`, with its default, as your IDE shows it: Spring Boot's configuration processor writes them from the ")
			.append("code into `")
			.append(METADATA)
			.append("`, and the build fails when this page differs from it.\n");
		Map<String, List<Map<String, Object>>> byGroup = properties.stream()
			.collect(Collectors.groupingBy((property) -> (String) property.get("group"), TreeMap::new,
					Collectors.toList()));
		byGroup.forEach((group, members) -> {
			page.append("\n## ").append(group).append("\n\n");
			page.append("| property | default | description |\n|---|---|---|\n");
			members.stream()
				.sorted(Comparator.comparing((property) -> (String) property.get("name")))
				.forEach((property) -> page.append("| `")
					.append(property.get("name"))
					.append("` | ")
					.append(value(property.get("defaultValue")))
					.append(" | ")
					.append(description(property))
					.append(" |\n"));
		});
		return page.toString();
	}

	private static String value(Object value) {
		if (value == null) {
			return "";
		}
		if (value instanceof List<?> list) {
			return list.stream().map(SettingsPage::value).collect(Collectors.joining(", "));
		}
		return "`" + value + "`";
	}

	@SuppressWarnings("unchecked")
	private static String description(Map<String, Object> property) {
		String description = cell((String) property.getOrDefault("description", ""));
		Map<String, Object> deprecation = (Map<String, Object>) property.get("deprecation");
		if (deprecation != null || Boolean.TRUE.equals(property.get("deprecated"))) {
			Object replacement = (deprecation != null) ? deprecation.get("replacement") : null;
			description = "**Deprecated**" + ((replacement != null) ? ", use `" + replacement + "`" : "") + ". "
					+ description;
		}
		return description;
	}

	private static String cell(String text) {
		return text.replace("\r", "").replace("\n", " ").replace("|", "\\|").strip();
	}

}
