package io.github.etcdconfig.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.etcdconfig.actuate.EtcdValueSanitizer;
import io.github.etcdconfig.config.EtcdPropertyChange;
import io.github.etcdconfig.release.EtcdConfigView;
import io.github.etcdconfig.release.EtcdKeyChange;
import io.github.etcdconfig.release.EtcdLayerChange;
import io.github.etcdconfig.release.EtcdProperty;
import io.github.etcdconfig.release.EtcdPropertyRelease;
import io.github.etcdconfig.release.EtcdRelease;
import io.github.etcdconfig.release.EtcdReleaseException;
import io.github.etcdconfig.release.EtcdReleasePlan;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a command's results go, and how: text for people, or with {@code -o json} one
 * JSON document on standard output for scripts, errors included. Values whose names look
 * sensitive (Spring Boot's rules, as {@code /actuator/etcdconfig} applies them) are
 * masked unless {@code --show-values}; so are whole documents.
 */
public class EtcdCliOutput {

	/** The mask of a hidden value. */
	static final String MASK = "******";

	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(SerializationFeature.INDENT_OUTPUT)
		.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
		.build();

	private static final EtcdValueSanitizer SANITIZER = new EtcdValueSanitizer(List.of());

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
	 * A value as it may be shown.
	 * @param name the property, or {@code null} for a whole document
	 * @param value the value, or {@code null}
	 * @return the value, or {@link #MASK}
	 */
	Object show(String name, Object value) {
		if (value == null || this.showValues) {
			return value;
		}
		return (name != null) ? SANITIZER.sanitize(null, name, value, true) : MASK;
	}

	EtcdReleasePlan show(EtcdReleasePlan plan) {
		return new EtcdReleasePlan(plan.kind(), plan.detail(), plan.baseRevision(),
				plan.layers()
					.stream()
					.map((layer) -> new EtcdLayerChange(layer.layer(), layer.release(), layer.keysBefore(),
							layer.keysAfter(), showChanges(layer.changes())))
					.toList());
	}

	EtcdRelease show(EtcdRelease release) {
		return new EtcdRelease(release.id(), release.layer(), release.application(), release.profile(), release.kind(),
				release.detail(), release.time(), release.author(), release.message(), release.revision(),
				showChanges(release.changes()));
	}

	EtcdConfigView show(EtcdConfigView view) {
		return new EtcdConfigView(view.layer(), view.revision(),
				view.properties()
					.stream()
					.map((property) -> new EtcdProperty(property.name(), show(property.name(), property.value()),
							property.key(), property.revision(), property.layer()))
					.toList(),
				view.problems());
	}

	EtcdPropertyRelease show(String name, EtcdPropertyRelease release) {
		return new EtcdPropertyRelease(release.release(), release.time(), release.author(), release.message(),
				release.key(), show(name, release.oldValue()), show(name, release.newValue()));
	}

	EtcdPropertyChange show(EtcdPropertyChange change) {
		return new EtcdPropertyChange(change.name(), show(change.name(), change.oldValue()),
				show(change.name(), change.newValue()), change.key());
	}

	private List<EtcdKeyChange> showChanges(List<EtcdKeyChange> changes) {
		return changes.stream()
			.map((change) -> new EtcdKeyChange(change.key(), change.name(), change.type(),
					(String) show(change.name(), change.oldValue()), (String) show(change.name(), change.newValue())))
			.toList();
	}

}
