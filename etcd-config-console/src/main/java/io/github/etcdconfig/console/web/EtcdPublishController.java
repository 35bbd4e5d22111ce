package io.github.etcdconfig.console.web;

import java.time.Duration;
import java.util.List;

import io.github.etcdconfig.console.EtcdConsoleProperties;
import io.github.etcdconfig.console.rollout.EtcdRolloutDrivers;
import io.github.etcdconfig.console.security.EtcdConsoleAccess;
import io.github.etcdconfig.release.EtcdChangesSince;
import io.github.etcdconfig.release.EtcdProperty;
import io.github.etcdconfig.release.EtcdPublication;
import io.github.etcdconfig.release.EtcdReleaseException;
import io.github.etcdconfig.release.EtcdReleaseMasks;
import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleaseWorkflow;
import io.github.etcdconfig.release.EtcdReleases;
import io.github.etcdconfig.release.EtcdRolloutOptions;
import io.github.etcdconfig.release.EtcdRolloutState;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Publishes a pending release through the release API's workflow
 * ({@link EtcdReleaseWorkflow#publish}) as the logged-in user, with a message. When the
 * layer changed after the user saw the difference, nothing is written and the page shows
 * the other change, as the release API tells it ({@link EtcdReleases#changesSince}). A
 * change of an application's own layer may instead start a staged rollout, through the
 * same workflow, which the console then drives in the background
 * ({@link EtcdRolloutDrivers}).
 */
@Controller
public class EtcdPublishController {

	private final EtcdReleases releases;

	private final EtcdReleaseWorkflow workflow;

	private final EtcdReleaseMasks masks;

	private final EtcdChangeRows rows;

	private final EtcdPendingReleases pending;

	private final EtcdReviewPage review;

	private final EtcdConsoleAccess access;

	private final EtcdConsoleProperties properties;

	private final EtcdRolloutDrivers drivers;

	public EtcdPublishController(EtcdReleases releases, EtcdReleaseWorkflow workflow, EtcdReleaseMasks masks,
			EtcdChangeRows rows, EtcdPendingReleases pending, EtcdReviewPage review, EtcdConsoleAccess access,
			EtcdConsoleProperties properties, EtcdRolloutDrivers drivers) {
		this.releases = releases;
		this.workflow = workflow;
		this.masks = masks;
		this.rows = rows;
		this.pending = pending;
		this.review = review;
		this.access = access;
		this.properties = properties;
		this.drivers = drivers;
	}

	/**
	 * Publish a pending release, then follow its rollout.
	 */
	@PostMapping("/releases/{id}")
	public String publish(@PathVariable String id, @RequestParam(required = false) String message, Authentication user,
			HttpSession session, Model model, RedirectAttributes redirect, HttpServletResponse response) {
		EtcdPendingReleases.Pending release = pending(session, id);
		this.access.checkPublish(user, release.plan());
		EtcdPublication published;
		try {
			published = this.workflow.publish(release.review(), this.access.name(user), message);
		}
		catch (EtcdReleaseException ex) {
			return conflict(release, ex, model, response);
		}
		this.pending.remove(session, id);
		if (published.application() != null) {
			redirect.addAttribute("app", published.application());
		}
		if (published.profile() != null) {
			redirect.addAttribute("profile", published.profile());
		}
		redirect.addAttribute("revision", published.revision());
		redirect.addAttribute("at", published.time().toEpochMilli());
		return "redirect:/rollout";
	}

	/**
	 * Publish a pending release as a staged rollout: its first stage is written at once,
	 * and the console drives the next ones in the background; then show the rollout.
	 */
	@PostMapping("/releases/{id}/staged")
	public String publishStaged(@PathVariable String id, @RequestParam String stages, @RequestParam String bake,
			@RequestParam(required = false) String message, Authentication user, HttpSession session, Model model,
			HttpServletResponse response) {
		EtcdPendingReleases.Pending release = pending(session, id);
		this.access.checkPublish(user, release.plan());
		EtcdRolloutOptions options = EtcdRolloutOptions.of(null, stages, bakeTime(bake));
		EtcdRolloutState started;
		try {
			started = this.workflow.startRollout(release.review(), options, this.access.name(user), message);
		}
		catch (EtcdReleaseException ex) {
			return conflict(release, ex, model, response);
		}
		this.pending.remove(session, id);
		this.drivers.drive(started.application());
		return "redirect:/apps/" + started.application() + "/staged-rollout";
	}

	private static Duration bakeTime(String bake) {
		try {
			return DurationStyle.detectAndParse(bake.strip());
		}
		catch (IllegalArgumentException ex) {
			throw new EtcdReleaseException(EtcdReleaseException.Reason.INVALID,
					"The bake time '" + bake + "' is not a duration such as 60s or 5m");
		}
	}

	/**
	 * The same release computed afresh after a conflict, shown again before it is
	 * published.
	 */
	@PostMapping("/releases/{id}/again")
	public String again(@PathVariable String id, Authentication user, HttpSession session, Model model) {
		EtcdPendingReleases.Pending release = pending(session, id);
		EtcdReleasePlan plan = release.again().get();
		this.access.checkPublish(user, plan);
		model.addAttribute("layer", EtcdLayerLink.of(plan.layers().get(0).layer()));
		this.review.show(session, model, release.title(), plan, release.again());
		return "review";
	}

	private EtcdPendingReleases.Pending pending(HttpSession session, String id) {
		EtcdPendingReleases.Pending release = this.pending.get(session, id);
		if (release == null) {
			// Out of date as a changed layer is: nothing written, and the difference to
			// be
			// checked again.
			throw new EtcdReleaseException(EtcdReleaseException.Reason.CONFLICT,
					"This release is no longer waiting to be published (it was published, or the session ended). "
							+ "Check the change again.");
		}
		return release;
	}

	/**
	 * The conflict page when someone changed the layer since the release was read (409);
	 * any other failure goes on to the error handling.
	 */
	private String conflict(EtcdPendingReleases.Pending release, EtcdReleaseException ex, Model model,
			HttpServletResponse response) {
		if (ex.getReason() != EtcdReleaseException.Reason.CONFLICT) {
			throw ex;
		}
		response.setStatus(HttpStatus.CONFLICT.value());
		List<OtherChange> others = this.releases.changesSince(release.plan(), this.properties.getHistoryLimit())
			.stream()
			.map(this::otherChange)
			.toList();
		model.addAttribute("title", release.title());
		model.addAttribute("message", ex.getMessage());
		model.addAttribute("pending", release);
		model.addAttribute("others", others);
		model.addAttribute("diff", this.rows.diff(release.plan()));
		return "conflict";
	}

	private OtherChange otherChange(EtcdChangesSince since) {
		return new OtherChange(EtcdLayerLink.of(since.layer()),
				since.releases().stream().map(this.rows::release).toList(),
				since.outside().stream().map(this.masks::show).toList());
	}

	/**
	 * What changed in a layer after a release was read.
	 *
	 * @param layer the layer
	 * @param releases the releases published meanwhile
	 * @param outside properties whose keys were written meanwhile outside releases (such
	 * as with etcdctl)
	 */
	public record OtherChange(EtcdLayerLink layer, List<EtcdChangeRows.ReleaseRow> releases,
			List<EtcdProperty> outside) {

	}

}
