package io.github.etcdconfig.console.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.etcdconfig.console.EtcdConsoleProperties;
import io.github.etcdconfig.console.security.EtcdConsoleAccess;
import io.github.etcdconfig.release.EtcdLayer;
import io.github.etcdconfig.release.EtcdLayerChange;
import io.github.etcdconfig.release.EtcdProperty;
import io.github.etcdconfig.release.EtcdRelease;
import io.github.etcdconfig.release.EtcdReleaseException;
import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleases;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Publishes a pending release as the logged-in user, with a message. When the layer
 * changed after the user saw the difference, nothing is written and the page shows the
 * other change: the releases published meanwhile, and the keys changed outside releases.
 */
@Controller
public class EtcdPublishController {

	private final EtcdReleases releases;

	private final EtcdConsoleMasks masks;

	private final EtcdPendingReleases pending;

	private final EtcdReleaseReview review;

	private final EtcdConsoleAccess access;

	private final EtcdConsoleProperties properties;

	public EtcdPublishController(EtcdReleases releases, EtcdConsoleMasks masks, EtcdPendingReleases pending,
			EtcdReleaseReview review, EtcdConsoleAccess access, EtcdConsoleProperties properties) {
		this.releases = releases;
		this.masks = masks;
		this.pending = pending;
		this.review = review;
		this.access = access;
		this.properties = properties;
	}

	/**
	 * Publish a pending release, then follow its rollout.
	 */
	@PostMapping("/releases/{id}")
	public String publish(@PathVariable String id, @RequestParam(required = false) String message, Authentication user,
			HttpSession session, Model model, RedirectAttributes redirect) {
		EtcdPendingReleases.Pending release = pending(session, id);
		this.access.checkPublish(user, release.plan());
		List<EtcdRelease> published;
		try {
			published = this.releases.publish(release.plan(), this.access.name(user),
					StringUtils.hasText(message) ? message.strip() : null);
		}
		catch (EtcdReleaseException ex) {
			if (ex.getReason() != EtcdReleaseException.Reason.CONFLICT) {
				throw ex;
			}
			return conflict(release, ex, model);
		}
		this.pending.remove(session, id);
		EtcdRelease first = published.get(0);
		if (release.application() != null) {
			redirect.addAttribute("app", release.application());
		}
		if (first.profile() != null && published.size() == 1) {
			redirect.addAttribute("profile", first.profile());
		}
		redirect.addAttribute("revision", first.revision());
		redirect.addAttribute("at", first.time().toEpochMilli());
		return "redirect:/rollout";
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
		this.review.show(session, model, release.title(), release.application(), plan, release.again());
		return "review";
	}

	private EtcdPendingReleases.Pending pending(HttpSession session, String id) {
		EtcdPendingReleases.Pending release = this.pending.get(session, id);
		if (release == null) {
			throw new EtcdReleaseException(EtcdReleaseException.Reason.INVALID,
					"This release is no longer waiting to be published (it was published, or the session ended). "
							+ "Check the change again.");
		}
		return release;
	}

	private String conflict(EtcdPendingReleases.Pending release, EtcdReleaseException ex, Model model) {
		long base = release.plan().baseRevision();
		List<OtherChange> others = new ArrayList<>();
		for (EtcdLayerChange change : release.plan().layers()) {
			EtcdLayer layer = change.layer();
			List<EtcdRelease> meanwhile = this.releases.history(layer, this.properties.getHistoryLimit())
				.stream()
				.filter((published) -> published.revision() > base)
				.toList();
			Set<Long> released = meanwhile.stream().map(EtcdRelease::revision).collect(Collectors.toSet());
			List<EtcdProperty> outside = this.releases.properties(layer)
				.properties()
				.stream()
				.filter((property) -> property.revision() > base && !released.contains(property.revision()))
				.map(this.masks::show)
				.toList();
			others.add(new OtherChange(EtcdLayerLink.of(layer),
					meanwhile.stream()
						.map((published) -> new EtcdLayerController.HistoryRow(published,
								this.masks.changes(this.releases, published)))
						.toList(),
					outside));
		}
		model.addAttribute("title", release.title());
		model.addAttribute("message", ex.getMessage());
		model.addAttribute("pending", release);
		model.addAttribute("others", others);
		model.addAttribute("diff", this.masks.diff(this.releases, release.plan()));
		return "conflict";
	}

	/**
	 * What changed in a layer after a release was read.
	 *
	 * @param layer the layer
	 * @param releases the releases published meanwhile
	 * @param outside properties whose keys were written meanwhile outside releases (such
	 * as with etcdctl)
	 */
	public record OtherChange(EtcdLayerLink layer, List<EtcdLayerController.HistoryRow> releases,
			List<EtcdProperty> outside) {

	}

}
