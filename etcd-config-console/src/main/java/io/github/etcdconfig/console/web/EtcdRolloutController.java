package io.github.etcdconfig.console.web;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.etcdconfig.console.EtcdConsoleProperties;
import io.github.etcdconfig.console.security.EtcdConsoleAccess;
import io.github.etcdconfig.release.EtcdInstanceStatus;
import io.github.etcdconfig.release.EtcdRelease;
import io.github.etcdconfig.release.EtcdReleaseException;
import io.github.etcdconfig.release.EtcdReleases;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The rollout of a release: every instance of the application and the revision it has
 * applied, asked again every {@code etcd.console.rollout-refresh} by the page (htmx
 * polling), with the instances that lag marked as stragglers and those that refused the
 * revision as rejected, with the properties and reasons. After a gray release, the page
 * counts and marks the instances it reaches, those that run its profile
 * ({@link EtcdInstanceStatus#isTargetOf}), and offers to promote or abandon it.
 */
@Controller
public class EtcdRolloutController {

	private final EtcdReleases releases;

	private final EtcdConsoleAccess access;

	private final EtcdConsoleProperties properties;

	public EtcdRolloutController(EtcdReleases releases, EtcdConsoleAccess access, EtcdConsoleProperties properties) {
		this.releases = releases;
		this.access = access;
		this.properties = properties;
	}

	/**
	 * The rollout page; without a revision, that of the application's newest release.
	 */
	@GetMapping("/rollout")
	public String rollout(@RequestParam(required = false) String app, @RequestParam(required = false) String profile,
			@RequestParam(required = false) Long revision, @RequestParam(required = false) Long at, Authentication user,
			Model model) {
		String application = StringUtils.hasText(app) ? app : null;
		if (revision == null) {
			EtcdRelease newest = this.releases.newest(application);
			revision = (newest != null) ? newest.revision() : 0L;
			at = (newest != null) ? newest.time().toEpochMilli() : null;
		}
		model.addAttribute("appName", application);
		model.addAttribute("profile", StringUtils.hasText(profile) ? profile : null);
		model.addAttribute("revision", revision);
		model.addAttribute("at", at);
		model.addAttribute("refresh", this.properties.getRolloutRefresh().toMillis());
		model.addAttribute("canPublish", application != null && this.access.canPublish(user, application));
		addInstances(application, model.getAttribute("profile"), revision, at, model);
		return "rollout";
	}

	/**
	 * The instances part of the rollout page, which the page asks for again and again.
	 */
	@GetMapping("/rollout/instances")
	public String instances(@RequestParam(required = false) String app, @RequestParam(required = false) String profile,
			@RequestParam long revision, @RequestParam(required = false) Long at, Model model) {
		addInstances(StringUtils.hasText(app) ? app : null, StringUtils.hasText(profile) ? profile : null, revision, at,
				model);
		return "rollout :: instances";
	}

	private void addInstances(String application, Object profile, long revision, Long at, Model model) {
		model.addAttribute("appName", application);
		model.addAttribute("profile", profile);
		model.addAttribute("revision", revision);
		model.addAttribute("at", at);
		try {
			boolean late = at != null && Duration.between(Instant.ofEpochMilli(at), Instant.now())
				.compareTo(this.properties.getStragglerAfter()) > 0;
			String gray = (String) profile;
			List<Row> rows = this.releases.instances(application)
				.stream()
				.map((instance) -> new Row(instance, state(instance, revision, late), instance.profiles(),
						gray != null && instance.isTargetOf(gray)))
				.toList();
			// The headline counts the instances the release reaches: for a gray release,
			// those of its profile.
			List<Row> targets = rows.stream().filter((row) -> row.instance().isTargetOf(gray)).toList();
			long applied = targets.stream().filter((row) -> row.state().equals("applied")).count();
			long reporting = targets.stream().filter((row) -> !row.state().equals("unknown")).count();
			model.addAttribute("rows", rows);
			model.addAttribute("targets", targets.size());
			model.addAttribute("applied", applied);
			model.addAttribute("reporting", reporting);
			// A gray release that no instance runs has nothing to wait for, as the
			// release
			// API's wait tells.
			model.addAttribute("complete", applied == reporting && (reporting > 0 || gray != null));
			model.addAttribute("stragglers", targets.stream().filter((row) -> row.state().equals("straggler")).count());
			model.addAttribute("rejected", targets.stream().filter((row) -> row.state().equals("rejected")).count());
			model.addAttribute("inProfile", rows.stream().filter(Row::inProfile).count());
			model.addAttribute("inProfileApplied",
					rows.stream().filter((row) -> row.inProfile() && row.state().equals("applied")).count());
		}
		catch (EtcdReleaseException ex) {
			// The page stays and keeps asking; it says why it has nothing new.
			model.addAttribute("error", ex.getMessage());
		}
	}

	private static String state(EtcdInstanceStatus instance, long revision, boolean late) {
		if (!instance.isReporting()) {
			return "unknown";
		}
		if (instance.hasApplied(revision)) {
			return "applied";
		}
		if (instance.hasRejected(revision)) {
			return "rejected";
		}
		return late ? "straggler" : "waiting";
	}

	/**
	 * An instance in the rollout.
	 *
	 * @param instance the instance
	 * @param state applied, waiting, straggler (waiting longer than
	 * etcd.console.straggler-after), rejected (it refused the revision: a property would
	 * not bind, validate or resolve, and it keeps its old values), or unknown (it reports
	 * no revision)
	 * @param profiles the profiles it registers as running, none when it does not say
	 * @param inProfile whether it runs the profile of a gray release being followed
	 */
	public record Row(EtcdInstanceStatus instance, String state, List<String> profiles, boolean inProfile) {

	}

}
