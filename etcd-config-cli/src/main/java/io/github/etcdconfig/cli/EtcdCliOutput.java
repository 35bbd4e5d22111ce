package io.github.etcdconfig.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.etcdconfig.release.EtcdReleaseException;
import io.github.etcdconfig.release.EtcdReleaseMasks;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a command's results go, and how: text for people, or with {@code -o json} one
 * JSON document on standard output for scripts, errors included. Values are shown through
 * the release API's masks ({@link EtcdReleaseMasks}), or unmasked with
 * {@code --show-values}.
 */
public class EtcdCliOutput {

	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(SerializationFeature.INDENT_OUTPUT)
		.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
		.build();

	/**
	 * An output format.
	 */
	enum Format {

		/** For people. */
		TEXT,

		/** One JSON document. */
		JSON

	}

	@Option(scope = ScopeType.INHERIT, names = { "-o", "--output" }, paramLabel = "FORMAT", defaultValue = "text",
			description = "text or json (default: ${DEFAULT-VALUE})")
	Format format;

	@Option(scope = ScopeType.INHERIT, names = "--show-values",
			description = "show values whose names look sensitive (password, secret, key, token, credentials, uri, "
					+ "url, address...) and documents' text, masked otherwise")
	boolean showValues;

	private PrintWriter out;

	private PrintWriter err;

	private final Map<String, Object> document = new LinkedHashMap<>();

	void open(PrintWriter out, PrintWriter err) {
		this.out = out;
		this.err = err;
	}

	boolean isJson() {
		return this.format == Format.JSON;
	}

	/**
	 * A line for people: on standard output in text mode, nowhere with {@code -o json}.
	 */
	void line(String format, Object... args) {
		if (!isJson()) {
			this.out.printf(format + "%n", args);
			this.out.flush();
		}
	}

	/**
	 * A note for people that is no result, such as a question: on standard error.
	 */
	void note(String format, Object... args) {
		this.err.printf(format + "%n", args);
		this.err.flush();
	}

	/**
	 * A part of the JSON document.
	 */
	void put(String name, Object value) {
		this.document.put(name, value);
	}

	/**
	 * Finish: write the JSON document in JSON mode.
	 * @param exitCode the command's exit code
	 * @return the exit code
	 */
	int finish(int exitCode) {
		if (isJson()) {
			this.out.println(JSON.writeValueAsString(this.document));
			this.out.flush();
		}
		return exitCode;
	}

	/**
	 * Report why nothing happened.
	 * @return the exit code of the reason
	 */
	int error(EtcdReleaseException ex) {
		if (isJson()) {
			put("error", Map.of("reason", ex.getReason().name(), "message", ex.getMessage()));
		}
		else {
			note("%s", ex.getMessage());
		}
		return finish(EtcdCliErrors.exitCode(ex.getReason()));
	}

	/**
	 * The masks values are shown with: the release API's, or none with
	 * {@code --show-values}.
	 * @return the masks
	 */
	EtcdReleaseMasks masks() {
		return this.showValues ? EtcdReleaseMasks.none() : EtcdReleaseMasks.defaults();
	}

}
