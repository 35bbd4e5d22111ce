package io.github.etcdconfig.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import io.github.etcdconfig.config.EtcdPropertyChange;
import io.github.etcdconfig.config.EtcdRolloutSelector;
import io.github.etcdconfig.refresh.EtcdRejectedProperty;
import io.github.etcdconfig.release.EtcdConfigView;
import io.github.etcdconfig.release.EtcdInstanceStatus;
import io.github.etcdconfig.release.EtcdInstanceVerdict;
import io.github.etcdconfig.release.EtcdKeyChange;
import io.github.etcdconfig.release.EtcdLayerChange;
import io.github.etcdconfig.release.EtcdProperty;
import io.github.etcdconfig.release.EtcdPropertyRelease;
import io.github.etcdconfig.release.EtcdRelease;
import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdRollout;
import io.github.etcdconfig.release.EtcdRolloutResult;
import io.github.etcdconfig.release.EtcdRolloutState;
import io.github.etcdconfig.release.EtcdRolloutStatus;
import io.github.etcdconfig.release.EtcdVerification;
import io.github.etcdconfig.verify.EtcdConfigVerdict;

/**
 * Writes the results of the commands: as text for people, and as parts of the JSON
 * document with {@code -o json}, values masked with {@link EtcdCliOutput#masks()}.
 */
final class EtcdCliReport {

	private final EtcdCliOutput output;

	EtcdCliReport(EtcdCliOutput output) {
		this.output = output;
	}

	/**
	 * The difference a release makes, layer by layer; a changed document with the
	 * properties it changes.
	 */
	void plan(EtcdReleasePlan plan) {
		EtcdReleasePlan shown = this.output.masks().show(plan);
		this.output.put("plan", shown);
		for (EtcdLayerChange layer : shown.layers()) {
			this.output.line("%s, read at revision %d:", layer.layer(), shown.baseRevision());
			for (EtcdKeyChange change : layer.changes()) {
				change(change);
				change.properties().forEach((property) -> this.output.line("      %s", describe(property)));
			}
			this.output.line("  %d added, %d changed, %d removed; the layer holds %d key(s), then %d", layer.added(),
					layer.changed(), layer.removed(), layer.keysBefore(), layer.keysAfter());
		}
	}

	private void change(EtcdKeyChange change) {
		String what = (change.name() != null) ? change.name() : change.key() + " (document)";
		Object before = change.oldValue();
		Object after = change.newValue();
		switch (change.type()) {
			case ADDED -> this.output.line("  + %s = %s", what, shown(after));
			case CHANGED -> this.output.line("  ~ %s = %s -> %s", what, shown(before), shown(after));
			case REMOVED -> this.output.line("  - %s (was %s)", what, shown(before));
		}
	}

	private static String describe(EtcdPropertyChange change) {
		if (change.oldValue() == null) {
			return "+ " + change.name() + " = " + change.newValue();
		}
		if (change.isRemoval()) {
			return "- " + change.name() + " (was " + change.oldValue() + ")";
		}
		return "~ " + change.name() + " = " + change.oldValue() + " -> " + change.newValue();
	}

	// A document's text runs over lines: shown on lines of its own.
	private static String shown(Object value) {
		String text = String.valueOf(value);
		return text.contains("\n") ? "|\n      " + text.strip().replace("\n", "\n      ") : text;
	}

	/**
	 * What the running instances said of a release before it is published.
	 * @param verification their answers, or {@code null} when they were not asked
	 */
	void verification(EtcdVerification verification) {
		if (verification == null) {
			this.output.line("Not verified by the running instances (--no-verify).");
			return;
		}
		this.output.put("verification", verification);
		for (EtcdInstanceVerdict verdict : verification.verdicts()) {
			this.output.line("  %s", verdict);
		}
		verification.notVerifying()
			.forEach((instance) -> this.output.line("  %s does not verify releases: not asked", instance));
		verification.notAnswered().forEach((instance) -> this.output.line("  %s did not answer in time", instance));
		if (verification.isRejected()) {
			return;
		}
		if (verification.isNothingVerified()) {
			this.output.line("Nothing was verified: %s.",
					(verification.verdicts().isEmpty() && verification.notVerifying().isEmpty()
							&& verification.notAnswered().isEmpty()) ? "no instance is registered"
									: "no running instance evaluated the release");
		}
		else {
			this.output.line("Verified: %d instance(s) accept the release.",
					verification.verdicts()
						.stream()
						.filter((verdict) -> verdict.verdict() == EtcdConfigVerdict.Verdict.ACCEPTED)
						.count());
		}
	}

	void published(List<EtcdRelease> releases) {
		this.output.put("releases", releases.stream().map(this.output.masks()::show).toList());
		for (EtcdRelease release : releases) {
			this.output.line("Published release %d of %s at revision %d.", release.id(), release.layer(),
					release.revision());
		}
	}

	/**
	 * Which instances have applied a revision.
	 * @return {@link EtcdConfigCli#OK}; {@link EtcdConfigCli#REJECTED} naming the
	 * instances that refused it and the properties; or {@link EtcdConfigCli#TIMED_OUT}
	 * naming the instances that have not applied it
	 */
	int rollout(EtcdRollout rollout) {
		this.output.put("rollout", rollout);
		instances(rollout.instances(), rollout.revision());
		rollout.gone().forEach((instance) -> this.output.line("  %s left the registry during the wait", instance));
		if (!rollout.unknown().isEmpty()) {
			this.output.line("  %d instance(s) report no configuration revision and were not waited for",
					rollout.unknown().size());
		}
		if (!rollout.rejected().isEmpty()) {
			this.output.note("Rejected: %d instance(s) of %s refused revision %d and keep their old values: %s",
					rollout.rejected().size(), who(rollout), rollout.revision(),
					String.join("; ", rollout.rejected().stream().map(EtcdCliReport::rejection).toList()));
			return EtcdConfigCli.REJECTED;
		}
		if (rollout.complete()) {
			// Instances that report no revision (another language's) were not waited for.
			this.output.line("Every instance of %s that reports its configuration has applied revision %d.",
					who(rollout), rollout.revision());
			return EtcdConfigCli.OK;
		}
		this.output.note("Timed out: %d instance(s) of %s have not applied revision %d: %s", rollout.pending().size(),
				who(rollout), rollout.revision(),
				String.join(", ", rollout.pending().stream().map(EtcdInstanceStatus::toString).toList()));
		return EtcdConfigCli.TIMED_OUT;
	}

	private static String who(EtcdRollout rollout) {
		return (rollout.application() != null) ? rollout.application() : "every application";
	}

	void instances(List<EtcdInstanceStatus> instances, Long wanted) {
		this.output.put("instances", instances);
		if (instances.isEmpty()) {
			this.output.line("No registered instances.");
			return;
		}
		boolean rejections = instances.stream().anyMatch((instance) -> instance.rejected() != null);
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "INSTANCE", "URI", "STATUS", "REVISION", "STALE", "WATCH",
				(wanted != null) ? "APPLIED" : "", rejections ? "REJECTED" : "" });
		for (EtcdInstanceStatus instance : instances) {
			rows.add(new String[] { instance.toString(), text(instance.uri()), text(instance.status()),
					text(instance.revision()), (instance.stale() != null) ? (instance.stale() ? "yes" : "no") : "-",
					(instance.problem() != null) ? instance.problem() : text(instance.state()),
					(wanted == null) ? "" : applied(instance, wanted),
					(instance.rejected() != null) ? "REJECTED revision " + instance.rejected().revision() + ": "
							+ names(instance.rejected().properties()) : "" });
		}
		table(rows);
	}

	private static String applied(EtcdInstanceStatus instance, long wanted) {
		if (!instance.isReporting()) {
			return "unknown";
		}
		return instance.hasApplied(wanted) ? "yes" : instance.hasRejected(wanted) ? "REJECTED" : "no";
	}

	private static String rejection(EtcdInstanceStatus instance) {
		return instance + " rejects " + String.join(", ",
				instance.rejected().properties().stream().map(EtcdRejectedProperty::toString).toList());
	}

	private static String names(List<EtcdRejectedProperty> properties) {
		return String.join(", ", properties.stream().map(EtcdRejectedProperty::name).toList());
	}

	void history(List<EtcdRelease> releases) {
		this.output.put("releases", releases.stream().map(this.output.masks()::show).toList());
		if (releases.isEmpty()) {
			this.output.line("No releases.");
			return;
		}
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "RELEASE", "REVISION", "TIME", "AUTHOR", "ADDED", "CHANGED", "REMOVED", "MESSAGE" });
		for (EtcdRelease release : releases) {
			String message = (release.detail() != null) ? release.kind().name().toLowerCase() + " " + release.detail()
					+ ((release.message() != null) ? ": " + release.message() : "") : text(release.message());
			rows.add(new String[] { Long.toString(release.id()), Long.toString(release.revision()),
					time(release.time()), release.author(), Integer.toString(release.added()),
					Integer.toString(release.changed()), Integer.toString(release.removed()), message });
		}
		table(rows);
	}

	void propertyHistory(String name, List<EtcdPropertyRelease> releases) {
		List<EtcdPropertyRelease> shown = releases.stream()
			.map((release) -> this.output.masks().show(name, release))
			.toList();
		this.output.put("property", name);
		this.output.put("releases", shown);
		if (shown.isEmpty()) {
			this.output.line("No release changed %s.", name);
			return;
		}
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "RELEASE", "TIME", "AUTHOR", "BEFORE", "AFTER", "MESSAGE" });
		for (EtcdPropertyRelease release : shown) {
			rows.add(new String[] { Long.toString(release.release()), time(release.time()), release.author(),
					text(release.oldValue()), text(release.newValue()), text(release.message()) });
		}
		table(rows);
	}

	void view(EtcdConfigView view) {
		EtcdConfigView shown = this.output.masks().show(view);
		this.output.put("view", shown);
		for (EtcdProperty property : shown.properties()) {
			this.output.line("%s = %s   (%s, revision %d)", property.name(), property.value(), property.key(),
					property.revision());
		}
		shown.problems().forEach((problem) -> this.output.note("%s", problem));
	}

	private void table(List<String[]> rows) {
		int[] widths = new int[rows.get(0).length];
		for (String[] row : rows) {
			for (int i = 0; i < row.length; i++) {
				widths[i] = Math.max(widths[i], row[i].length());
			}
		}
		for (String[] row : rows) {
			StringBuilder line = new StringBuilder();
			for (int i = 0; i < row.length; i++) {
				line.append(row[i]).append(" ".repeat(widths[i] - row[i].length() + 2));
			}
			this.output.line("%s", line.toString().stripTrailing());
		}
	}

	/**
	 * A staged rollout just started.
	 */
	void rolloutStarted(EtcdRolloutState state) {
		this.output.line("Started rollout %s of %s at revision %d: stage 1/%d (%s) to %s.", state.id(),
				state.application(), state.startRevision(), state.stages().size(), state.currentStage().spec(),
				state.currentStage().instances());
	}

	/**
	 * One step of a rollout's driver, as it happens: on standard output in text mode.
	 */
	void rolloutStep(EtcdRolloutStatus status) {
		this.output.line("%s  %s", time(Instant.now()), status.message());
	}

	/**
	 * How a driven rollout ended.
	 * @return {@link EtcdConfigCli#OK} when it completed or was paused;
	 * {@link EtcdConfigCli#ROLLED_BACK} when it was rolled back or aborted, naming the
	 * instance and the cause
	 */
	int rolloutResult(EtcdRolloutResult result) {
		this.output.put("outcome", result.outcome());
		this.output.put("rollout", result.state());
		if (result.release() != null) {
			this.output.put("release", this.output.masks().show(result.release()));
		}
		return switch (result.outcome()) {
			case COMPLETED, DETACHED -> EtcdConfigCli.OK;
			case ABORTED -> {
				this.output.note("Aborted: %s; every instance has the layer's values again.",
						result.state().cause().reason());
				yield EtcdConfigCli.ROLLED_BACK;
			}
			default -> {
				this.output.note("Rolled back: %s of %s %s; every instance has the layer's values again.",
						result.state().cause().instance(), result.state().application(),
						result.state().cause().reason());
				yield EtcdConfigCli.ROLLED_BACK;
			}
		};
	}

	/**
	 * A rollout's state: status, stages with when each was reached and its instances, and
	 * the cause of a rollback.
	 */
	void rolloutState(EtcdRolloutState state) {
		this.output.put("rollout", state);
		this.output.line("Rollout %s of %s: %s at stage %d/%d (%s)", state.id(), state.application(), state.status(),
				state.stage() + 1, state.stages().size(), state.currentStage().spec());
		this.output.line("Started %s by %s%s; properties: %s", time(state.startedAt()), state.author(),
				(state.message() != null) ? " (" + state.message() + ")" : "", String.join(", ", state.properties()));
		if (state.isActive()) {
			this.output.line("Bake %s per stage; %s", duration(state.bake()),
					(state.bakeEndsAt() != null) ? "this stage's bake ends " + time(state.bakeEndsAt())
							: "waiting for this stage's instances to apply revision " + state.stageRevision());
		}
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "STAGE", "SPEC", "REACHED", "INSTANCES" });
		for (int i = 0; i < state.stages().size(); i++) {
			EtcdRolloutState.Stage stage = state.stages().get(i);
			rows.add(new String[] { Integer.toString(i + 1), stage.spec(),
					(stage.reachedAt() != null) ? time(stage.reachedAt()) : "-",
					(stage.reachedAt() != null) ? String.join(",", stage.instances()) : "-" });
		}
		table(rows);
		if (state.cause() != null) {
			this.output.line("Cause: %s", state.cause());
		}
	}

	/**
	 * A rollout's state, and how each registered instance stands towards it.
	 */
	void rolloutStatus(EtcdRolloutState state, List<EtcdInstanceStatus> instances) {
		rolloutState(state);
		if (!state.isActive()) {
			return;
		}
		EtcdRolloutSelector selector = state.subsetSelector();
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "INSTANCE", "SUBSET", "ROLLOUT", "STATUS", "HEALTH" });
		for (EtcdInstanceStatus instance : instances) {
			boolean member = selector.matches(instance.instance(), instance.metadata());
			rows.add(new String[] { instance.toString(), member ? "yes" : "no",
					!member ? "-" : instance.hasApplied(state.id(), state.stageRevision()) ? "applied" : "pending",
					text(instance.status()), text(instance.health()) });
		}
		table(rows);
	}

	static String duration(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
	}

	private static String time(Instant time) {
		return time.truncatedTo(ChronoUnit.SECONDS).toString();
	}

	private static String text(Object value) {
		return (value != null) ? value.toString() : "-";
	}

}
