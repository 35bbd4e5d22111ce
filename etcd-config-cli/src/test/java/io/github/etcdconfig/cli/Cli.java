package io.github.etcdconfig.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import picocli.CommandLine;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the command line in this JVM, as a shell would: arguments, standard input, and
 * what it prints and returns.
 */
final class Cli {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final List<String> common;

	/**
	 * A command line that connects with these options, given after every command.
	 */
	Cli(String... common) {
		this.common = List.of(common);
	}

	Result run(String... args) {
		return run(new StringReader(""), args);
	}

	/**
	 * Run with answers on standard input.
	 */
	Result answering(String answers, String... args) {
		return run(new StringReader(answers), args);
	}

	Result run(Reader in, String... args) {
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		CommandLine commandLine = EtcdConfigCli.commandLine(new BufferedReader(in));
		commandLine.setOut(new PrintWriter(out));
		commandLine.setErr(new PrintWriter(err));
		List<String> all = new ArrayList<>(List.of(args));
		all.addAll(this.common);
		int exitCode = commandLine.execute(all.toArray(String[]::new));
		return new Result(exitCode, out.toString(), err.toString());
	}

	/**
	 * What a run left.
	 *
	 * @param exitCode the exit code
	 * @param out standard output
	 * @param err standard error
	 */
	record Result(int exitCode, String out, String err) {

		@SuppressWarnings("unchecked")
		Map<String, Object> json() {
			return JSON.readValue(this.out, Map.class);
		}

	}

}
