package io.github.etcdconfig.console.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.github.etcdconfig.config.EtcdRolloutSelector;
import io.github.etcdconfig.console.EtcdConsoleProperties;
import io.github.etcdconfig.console.rollout.EtcdRolloutDrivers;
import io.github.etcdconfig.console.security.EtcdConsoleAccess;
import io.github.etcdconfig.release.EtcdInstanceStatus;
import io.github.etcdconfig.release.EtcdReleaseException;
import io.github.etcdconfig.release.EtcdReleases;
import io.github.etcdconfig.release.EtcdRolloutState;
import io.github.etcdconfig.release.EtcdRolloutStatus;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * The staged rollout of an application, as the release API keeps it in etcd
 * ({@link EtcdReleases#rollout}): its stages with when each was reached, its subset (the
 * registered instances its selector admits, whether each has applied the values, its
 * health) and the countdown of the bake, asked again every
 * {@code etcd.console.rollout-refresh} by the page (htmx polling) until the rollout ends;
 * and, for those who may publish the application, Pause, Resume and Abort. Resume drives
 * the rollout on in the console's background ({@link EtcdRolloutDrivers}). A rolled back
 * rollout shows the instance and the cause.
 */
@Controller
public class EtcdStagedRolloutController {

	private final EtcdReleases releases;

	private final EtcdRolloutDrivers drivers;

	private final EtcdConsoleAccess access;

	private final EtcdConsoleProperties properties;

	public EtcdStagedRolloutController(EtcdReleases releases, EtcdRolloutDrivers drivers, EtcdConsoleAccess access,
			EtcdConsoleProperties properties) {
		this.releases = releases;
		this.drivers = drivers;
		this.access = access;
		this.properties = properties;
	}

	/**
	 * The page of the application's staged rollout: the running one, or the last one.
	 */
	@GetMapping("/apps/{application}/staged-rollout")
	public String page(@PathVariable String application, Authentication user, Model model) {
		addRollout(application, user, model);
		return "staged-rollout";
	}

	/**
	 * The part of the page the page asks for again and again.
	 */
	@GetMapping("/apps/{application}/staged-rollout/state")
	public String state(@PathVariable String application, Authentication user, Model model) {
		addRollout(application, user, model);
		return "staged-rollout :: rollout";
	}

	/**
	 * Pause the rollout at its stage: its instances keep the values, and its driver lets
	 * go.
	 */
	@PostMapping("/apps/{application}/staged-rollout/pause")
	public String pause(@PathVariable String application, Authentication user) {
		checkPublish(user, application);
		this.releases.pauseRollout(application, this.access.name(user));
		return redirect(application);
	}

	/**
	 * Resume a paused rollout, and drive it on in the background; a running one that
	 * nothing in this console drives (its command line was stopped) is driven on as it
	 * is, once the old driver's lock has expired.
	 */
	@PostMapping("/apps/{application}/staged-rollout/resume")
	public String resume(@PathVariable String application, Authentication user) {
		checkPublish(user, application);
		this.releases.resumeRollout(application, this.access.name(user));
		this.drivers.drive(application);
		return redirect(application);
	}

	/**
	 * Abort the rollout: its values are removed from its instances, in one transaction.
	 */
	@PostMapping("/apps/{application}/staged-rollout/abort")
	public String abort(@PathVariable String application, Authentication user) {
		checkPublish(user, application);
		this.releases.abortRollout(application, this.access.name(user));
		return redirect(application);
	}

	private void checkPublish(Authentication user, String application) {
		if (!this.access.canPublish(user, application)) {
			throw new AccessDeniedException(this.access.name(user) + " may not control the rollout of " + application);
		}
	}

	private static String redirect(String application) {
		return "redirect:/apps/" + application + "/staged-rollout";
	}

	private void addRollout(String application, Authentication user, Model model) {
		model.addAttribute("appName", application);
		model.addAttribute("refresh", this.properties.getRolloutRefresh().toMillis());
		model.addAttribute("canPublish", this.access.canPublish(user, application));
		try {
			EtcdRolloutState state = this.releases.rollout(application).orElse(null);
			model.addAttribute("rollout", state);
			if (state != null) {
				model.addAttribute("stages", stages(state));
				model.addAttribute("subset", subset(state, this.releases.instances(application)));
				model.addAttribute("now", Instant.now().toEpochMilli());
				model.addAttribute("bakeEndsAt",
						(state.bakeEndsAt() != null) ? state.bakeEndsAt().toEpochMilli() : null);
				model.addAttribute("driving", this.drivers.isDriving(application));
				EtcdRolloutStatus status = this.drivers.lastStatus(application);
				model.addAttribute("driverMessage",
						(status != null && status.state().id().equals(state.id())) ? status.message() : null);
				model.addAttribute("driverFailure", this.drivers.failure(application));
			}
		}
		catch (EtcdReleaseException ex) {
			// The page stays and keeps asking; it says why it has nothing new.
			model.addAttribute("error", ex.getMessage());
		}
	}

	private static List<StageRow> stages(EtcdRolloutState state) {
		List<StageRow> rows = new ArrayList<>();
		for (int i = 0; i < state.stages().size(); i++) {
			EtcdRolloutState.Stage stage = state.stages().get(i);
			String progress = (i < state.stage() || state.status() == EtcdRolloutState.Status.COMPLETED) ? "done"
					: (i > state.stage()) ? "next" : state.isActive() ? "current" : "stopped";
			rows.add(new StageRow(i + 1, stage.spec(), stage.reachedAt(), stage.instances(), progress));
		}
		return rows;
	}

	/**
	 * The subset: the registered instances the selector admits, and those the stages
	 * listed that are no longer registered.
	 */
	static List<SubsetRow> subset(EtcdRolloutState state, List<EtcdInstanceStatus> instances) {
		EtcdRolloutSelector selector = state.subsetSelector();
		Map<String, EtcdInstanceStatus> registered = instances.stream()
			.collect(Collectors.toMap(EtcdInstanceStatus::instance, Function.identity(), (first, second) -> first));
		Set<String> ids = new LinkedHashSet<>();
		state.stages().forEach((stage) -> ids.addAll(stage.instances()));
		instances.stream()
			.filter((instance) -> selector.matches(instance.instance(), instance.metadata()))
			.forEach((instance) -> ids.add(instance.instance()));
		String failed = (state.cause() != null) ? state.cause().instance() : null;
		List<SubsetRow> rows = new ArrayList<>();
		for (String id : ids) {
			EtcdInstanceStatus instance = registered.get(id);
			boolean cause = failed != null && (failed.equals(id) || failed.endsWith("/" + id));
			if (instance == null) {
				rows.add(new SubsetRow(id, null, false, false, "left the registry", null, cause));
				continue;
			}
			boolean applied = instance.hasApplied(state.id(), state.stageRevision());
			// As the driver judges it: a rejection of any revision since the rollout
			// began.
			boolean rejected = instance.rejected() != null && instance.rejected().revision() >= state.startRevision();
			rows.add(new SubsetRow(id, instance.uri(), applied, rejected, instance.status(), instance.health(), cause));
		}
		return rows;
	}

	/**
	 * A stage.
	 *
	 * @param number its number, from 1
	 * @param spec the stage as written, such as {@code 10%}
	 * @param reachedAt when it was reached, or {@code null}
	 * @param instances the subset's instances when it was reached
	 * @param progress done, current, next, or stopped (where a rolled back or aborted
	 * rollout ended)
	 */
	public record StageRow(int number, String spec, Instant reachedAt, List<String> instances, String progress) {

	}

	/**
	 * An instance of the subset.
	 *
	 * @param id its instance id
	 * @param uri where it is called, or {@code null}
	 * @param applied whether it has applied the current stage
	 * @param rejected whether it rejected the rollout's values
	 * @param status its registered status, or what became of it
	 * @param health the health it publishes, or {@code null} when it publishes none
	 * @param cause whether it is the cause of the rollback
	 */
	public record SubsetRow(String id, String uri, boolean applied, boolean rejected, String status, String health,
			boolean cause) {

	}

}
