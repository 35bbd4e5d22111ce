package io.github.etcdconfig.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.etcdconfig.test.SettingsPage;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation a reader walks (README.md, CONTRIBUTING.md, docs/*.md, the generated
 * docs/settings/*.md and the samples' READMEs) names only what exists: its links and
 * their anchors, the repository's files, scripts, modules and Maven profiles, the
 * commands and options of this command line and its exit codes, and the settings of the
 * modules; and README.md stays short and starts with the commands CI relies on. Each test
 * lists every miss, with its page and line.
 */
class EtcdConfigDocsTests {

	private static final Path ROOT = SettingsPage.repository();

	private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

	private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");

	private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.+?)\\s*#*$");

	private static final Pattern PATH = Pattern.compile("[\\w.$-]+(?:/[\\w.@-]+)+/?");

	private static final Pattern SCRIPT = Pattern.compile("(?<![\\w/.-])scripts/[\\w.-]+");

	private static final Pattern MODULES = Pattern.compile("(?<![\\w-])-pl\\s+([\\w/.,-]+)");

	private static final Pattern PROFILES = Pattern.compile("(?<![\\w-])-P([\\w.,-]+)");

	private static final Pattern COMMAND = Pattern.compile("(?<![\\w-])etcd-config\\s+([a-z][\\w-]*)(.*)");

	private static final Pattern OPTION = Pattern.compile("(?<![\\w-])(--?[a-zA-Z][\\w-]*)");

	private static final Pattern SETTING = Pattern
		.compile("^((?:etcd|management\\.(?:health|endpoint)\\.etcdconfig)\\.[\\w.\\[\\]<>*-]*[\\w\\]>*])(?:=.*)?$");

	private static final Pattern SETTINGS_ROW = Pattern.compile("^\\| `([^`]+)` \\|");

	private static final Pattern POM_PROFILE = Pattern.compile("<profile>\\s*<id>([^<]+)</id>");

	private final List<Page> pages = pages();

	private final CommandLine cli = EtcdConfigCli.commandLine(new BufferedReader(new StringReader("")));

	@Test
	void everyRelativeLinkLeadsToAFileAndHeadingThatExist() {
		List<String> misses = new ArrayList<>();
		for (Page page : this.pages) {
			page.prose((line, text) -> find(LINK, text, (target) -> {
				String problem = brokenLink(page, target);
				if (problem != null) {
					misses.add(page.at(line) + ": " + target + " (" + problem + ")");
				}
			}));
		}
		assertThat(misses).as("links that lead nowhere").isEmpty();
	}

	@Test
	void everyTableRowHasAsManyCellsAsItsHeader() {
		// GitHub shows no table whose delimiter row differs from its header, and drops a
		// row's cells beyond the header's.
		List<String> uneven = new ArrayList<>();
		for (Page page : this.pages) {
			int[] header = { -1 };
			page.prose((line, text) -> {
				if (!text.startsWith("|")) {
					header[0] = -1;
					return;
				}
				int cells = text.strip().split("(?<!\\\\)\\|", -1).length - 2;
				if (header[0] < 0) {
					header[0] = cells;
				}
				else if (cells != header[0]) {
					uneven.add(page.at(line) + " has " + cells + " cells, its header " + header[0]);
				}
			});
		}
		assertThat(uneven).isEmpty();
	}

	@Test
	void everyRepositoryPathNamedExists() {
		Set<String> top = topLevelNames();
		List<String> misses = new ArrayList<>();
		for (Page page : this.pages) {
			page.code((line, code) -> find(PATH, code, (path) -> {
				String clean = path.replace("$PWD/", "");
				String first = clean.substring(0, clean.indexOf('/'));
				boolean built = ("/" + clean + "/").contains("/target/");
				if (top.contains(first) && !built && !Files.exists(ROOT.resolve(clean))) {
					misses.add(page.at(line) + ": " + clean);
				}
			}));
		}
		assertThat(misses).as("repository paths that do not exist").isEmpty();
	}

	@Test
	void everyScriptNamedExists() {
		List<String> misses = new ArrayList<>();
		for (Page page : this.pages) {
			page.all((line, text) -> find(SCRIPT, text, (script) -> {
				if (!Files.isRegularFile(ROOT.resolve(script))) {
					misses.add(page.at(line) + ": " + script);
				}
			}));
		}
		assertThat(misses).as("scripts that do not exist").isEmpty();
	}

	@Test
	void everyMavenModuleAndProfileNamedExists() {
		Set<String> profiles = pomProfiles();
		List<String> misses = new ArrayList<>();
		for (Page page : this.pages) {
			page.code((line, code) -> {
				find(MODULES, code, (modules) -> {
					for (String module : modules.split(",")) {
						if (!Files.isRegularFile(ROOT.resolve(module).resolve("pom.xml"))) {
							misses.add(page.at(line) + ": module " + module);
						}
					}
				});
				find(PROFILES, code, (names) -> {
					for (String profile : names.split(",")) {
						if (!profiles.contains(profile)) {
							misses.add(page.at(line) + ": profile " + profile);
						}
					}
				});
			});
		}
		assertThat(misses).as("Maven modules and profiles that do not exist").isEmpty();
	}

	@Test
	void everyCommandAndOptionNamedIsOneOfTheCli() {
		List<String> misses = new ArrayList<>();
		for (Page page : this.pages) {
			page.code((line, code) -> {
				Matcher command = COMMAND.matcher(code);
				if (command.find()) {
					// What follows the command, up to what the shell does with its
					// output.
					String arguments = command.group(2).split("[|;#>)]|&&", 2)[0];
					misses.addAll(unknown(page.at(line), command.group(1), arguments));
				}
			});
			page.tableRows("command", (line, cell) -> {
				String name = cell.split("\\s", 2)[0];
				misses.addAll(unknown(page.at(line), name, cell.substring(name.length())));
			});
			page.tableRows("option", (line, cell) -> find(OPTION, cell, (option) -> {
				if (commandsWith(option).isEmpty()) {
					misses.add(page.at(line) + ": option " + option + " of no command");
				}
			}));
		}
		assertThat(misses).as("commands and options the CLI does not have").isEmpty();
	}

	@Test
	void everyCommandAndOptionOfTheCliIsDocumented() {
		Page releases = page("docs/releases.md");
		Set<String> commands = new HashSet<>();
		Set<String> options = new HashSet<>();
		releases.tableRows("command", (line, cell) -> commands.add(cell.split("\\s", 2)[0]));
		releases.tableRows("option", (line, cell) -> find(OPTION, cell, options::add));
		Set<String> missing = new TreeSet<>();
		this.cli.getSubcommands().forEach((name, sub) -> {
			if (!commands.contains(name)) {
				missing.add("command " + name);
			}
			for (OptionSpec option : sub.getCommandSpec().options()) {
				if (!option.usageHelp() && !option.versionHelp()
						&& Stream.of(option.names()).noneMatch(options::contains)) {
					missing.add("option " + option.longestName() + " of " + name);
				}
			}
		});
		assertThat(missing).as("commands and options missing from the tables of docs/releases.md").isEmpty();
	}

	@Test
	void theExitCodesTableListsEveryExitCodeOfTheCli() throws IllegalAccessException {
		Set<Integer> documented = new TreeSet<>();
		page("docs/releases.md").tableRows("code", (line, cell) -> documented.add(Integer.valueOf(cell)));
		Set<Integer> codes = new TreeSet<>();
		for (Field field : EtcdConfigCli.class.getFields()) {
			if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class) {
				codes.add(field.getInt(null));
			}
		}
		assertThat(documented).as("the exit codes of docs/releases.md").isEqualTo(codes);
	}

	@Test
	void theReadmeStaysShortAndStartsWithTheDemoAndTheTests() {
		Page readme = page("README.md");
		assertThat(read(readme.path()).lines()).as("README.md's lines").hasSizeLessThanOrEqualTo(200);
		// CI's .ci/run runs the test command written at the top of README.md.
		String start = String.join("\n", List.of(readme.lines()).subList(0, 8));
		assertThat(start).contains("scripts/demo.sh").contains("scripts/test.sh");
		assertThat(read(ROOT.resolve(".ci/run"))).contains("scripts/test.sh");
	}

	@Test
	void everySettingNamedIsASettingOfAModule() {
		Set<String> settings = new HashSet<>();
		for (Page page : this.pages) {
			if (page.path.getParent().endsWith("settings")) {
				page.all((line, text) -> find(SETTINGS_ROW, text, settings::add));
			}
		}
		assertThat(settings).as("settings of the generated pages").contains("etcd.endpoints");
		List<String> misses = new ArrayList<>();
		for (Page page : this.pages) {
			// The tables of meters name meters, not settings.
			Set<Integer> meters = new HashSet<>();
			page.tableRows("name", (line, cell) -> meters.add(line));
			page.code((line, code) -> {
				for (String candidate : code.split("\\s+")) {
					Matcher setting = SETTING.matcher(candidate);
					if (setting.matches() && !meters.contains(line) && !isSetting(setting.group(1), settings)) {
						misses.add(page.at(line) + ": " + setting.group(1));
					}
				}
			});
		}
		assertThat(misses).as("settings that no module has (see docs/settings/)").isEmpty();
	}

	/**
	 * A setting of a module, an entry of one of its maps or lists ({@code users[0].name},
	 * {@code applications.<app>.publishers}), or a group written with {@code *}.
	 */
	private static boolean isSetting(String name, Set<String> settings) {
		String plain = name.replaceAll("\\[[^]]*]", "");
		if (plain.endsWith(".*")) {
			String group = plain.substring(0, plain.length() - 2);
			return group.equals("etcd") || settings.stream()
				.anyMatch((setting) -> setting.equals(group) || setting.startsWith(group + "."));
		}
		for (String prefix = plain; !prefix.isEmpty(); prefix = prefix.substring(0,
				Math.max(prefix.lastIndexOf('.'), 0))) {
			if (settings.contains(prefix)) {
				return prefix.equals(plain) || settings.stream().noneMatch((setting) -> setting.startsWith(plain));
			}
		}
		return false;
	}

	private List<String> unknown(String where, String name, String arguments) {
		CommandLine command = this.cli.getSubcommands().get(name);
		if (command == null) {
			return List.of(where + ": etcd-config " + name);
		}
		List<String> misses = new ArrayList<>();
		find(OPTION, arguments.replaceAll("\"[^\"]*\"", ""), (option) -> {
			if (command.getCommandSpec().findOption(option) == null) {
				misses.add(where + ": etcd-config " + name + " " + option);
			}
		});
		return misses;
	}

	private List<String> commandsWith(String option) {
		return this.cli.getSubcommands()
			.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().getCommandSpec().findOption(option) != null)
			.map(Map.Entry::getKey)
			.toList();
	}

	private static String brokenLink(Page page, String target) {
		if (target.matches("^[a-z]+:.*")) {
			return null;
		}
		int hash = target.indexOf('#');
		String file = (hash < 0) ? target : target.substring(0, hash);
		Path resolved = file.isEmpty() ? page.path : page.path.getParent().resolve(file).normalize();
		if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
			return "no such file";
		}
		if (hash < 0 || !resolved.toString().endsWith(".md")) {
			return null;
		}
		String anchor = target.substring(hash + 1);
		return page(resolved).anchors().contains(anchor) ? null : "no such heading";
	}

	private static Set<String> topLevelNames() {
		try (Stream<Path> entries = Files.list(ROOT)) {
			return entries.map((entry) -> entry.getFileName().toString())
				.filter((name) -> !name.equals("target"))
				.collect(Collectors.toSet());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Set<String> pomProfiles() {
		try (Stream<Path> files = Files.walk(ROOT, 3)) {
			Set<String> profiles = new HashSet<>();
			files.filter((file) -> file.getFileName().toString().equals("pom.xml"))
				.forEach((pom) -> find(POM_PROFILE, read(pom), profiles::add));
			return profiles;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static List<Page> pages() {
		List<Path> paths = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("CONTRIBUTING.md")));
		for (Path dir : List.of(ROOT.resolve("docs"), ROOT.resolve("docs/settings"))) {
			try (Stream<Path> files = Files.list(dir)) {
				files.filter((file) -> file.toString().endsWith(".md")).sorted().forEach(paths::add);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		try (Stream<Path> samples = Files.list(ROOT.resolve("samples"))) {
			samples.map((sample) -> sample.resolve("README.md"))
				.filter(Files::isRegularFile)
				.sorted()
				.forEach(paths::add);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return paths.stream().map(EtcdConfigDocsTests::page).toList();
	}

	private static Page page(String path) {
		return page(ROOT.resolve(path));
	}

	private static Page page(Path path) {
		return new Page(path, read(path).split("\n", -1));
	}

	private static String read(Path path) {
		try {
			return Files.readString(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void find(Pattern pattern, String text, Consumer<String> found) {
		Matcher matcher = pattern.matcher(text);
		while (matcher.find()) {
			found.accept((matcher.groupCount() > 0) ? matcher.group(1) : matcher.group());
		}
	}

	/**
	 * A page's lines, told apart as prose (outside fenced blocks) and code (the lines of
	 * fenced blocks, and the code spans of prose).
	 */
	private record Page(Path path, String[] lines) {

		String at(int line) {
			return ROOT.relativize(this.path) + ":" + (line + 1);
		}

		void all(LineConsumer consumer) {
			for (int i = 0; i < this.lines.length; i++) {
				consumer.accept(i, this.lines[i]);
			}
		}

		void prose(LineConsumer consumer) {
			boolean fenced = false;
			for (int i = 0; i < this.lines.length; i++) {
				if (this.lines[i].strip().startsWith("```")) {
					fenced = !fenced;
				}
				else if (!fenced) {
					consumer.accept(i, this.lines[i]);
				}
			}
		}

		void code(LineConsumer consumer) {
			boolean fenced = false;
			for (int i = 0; i < this.lines.length; i++) {
				if (this.lines[i].strip().startsWith("```")) {
					fenced = !fenced;
				}
				else if (fenced) {
					consumer.accept(i, this.lines[i]);
				}
				else {
					int line = i;
					find(CODE_SPAN, this.lines[i], (span) -> consumer.accept(line, span));
				}
			}
		}

		/**
		 * The first cell of each row of the tables whose first column is headed
		 * {@code heading}, without its code marks.
		 */
		void tableRows(String heading, LineConsumer consumer) {
			boolean inTable = false;
			for (int i = 0; i < this.lines.length; i++) {
				String line = this.lines[i];
				if (!line.startsWith("|")) {
					inTable = false;
				}
				else if (line.matches("^\\|\\s*" + heading + "\\s*\\|.*")) {
					inTable = true;
				}
				else if (inTable && !line.startsWith("|-")) {
					String cell = line.split("(?<!\\\\)\\|")[1];
					consumer.accept(i, cell.replace("`", "").replace("\\|", "|").strip());
				}
			}
		}

		/** GitHub's anchors of the page's headings. */
		Set<String> anchors() {
			Set<String> anchors = new LinkedHashSet<>();
			prose((line, text) -> {
				Matcher heading = HEADING.matcher(text);
				if (heading.matches()) {
					String anchor = heading.group(2)
						.toLowerCase(Locale.ROOT)
						.replaceAll("[^\\p{L}\\p{N} _-]", "")
						.replace(' ', '-');
					String unique = anchor;
					for (int n = 1; !anchors.add(unique); n++) {
						unique = anchor + "-" + n;
					}
				}
			});
			return anchors;
		}

	}

	@FunctionalInterface
	private interface LineConsumer {

		void accept(int line, String text);

	}

}
