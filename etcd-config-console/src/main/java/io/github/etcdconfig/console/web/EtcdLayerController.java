package io.github.etcdconfig.console.web;

import java.util.List;
import java.util.function.Supplier;

import io.github.etcdconfig.console.EtcdConsoleProperties;
import io.github.etcdconfig.console.security.EtcdConsoleAccess;
import io.github.etcdconfig.release.EtcdConfigExport;
import io.github.etcdconfig.release.EtcdLayer;
import io.github.etcdconfig.release.EtcdRelease;
import io.github.etcdconfig.release.EtcdReleaseException;
import io.github.etcdconfig.release.EtcdReleaseMasks;
import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleases;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * One layer: edit it as YAML or properties and check the difference, its history with
 * each release's difference and a rollback to any kept release, one property's past
 * values, and the end of a gray release (promote or abandon). Every write is first shown
 * as a difference and kept as a pending release, which the user then publishes.
 */
@Controller
public class EtcdLayerController {

	private final EtcdReleases releases;

	private final EtcdReleaseMasks masks;

	private final EtcdChangeRows rows;

	private final EtcdLayerText text;

	private final EtcdReviewPage review;

	private final EtcdConsoleAccess access;

	private final EtcdConsoleProperties properties;

	public EtcdLayerController(EtcdReleases releases, EtcdReleaseMasks masks, EtcdChangeRows rows, EtcdLayerText text,
			EtcdReviewPage review, EtcdConsoleAccess access, EtcdConsoleProperties properties) {
		this.releases = releases;
		this.masks = masks;
		this.rows = rows;
		this.text = text;
		this.review = review;
		this.access = access;
		this.properties = properties;
	}

	/**
	 * The layer as text, sensitive values masked; editable by those who may publish it.
	 */
	@GetMapping("/layer")
	public String layer(@RequestParam(required = false) String app, @RequestParam(required = false) String profile,
			@RequestParam(defaultValue = "yaml") String format, Authentication user, Model model) {
		EtcdLayer layer = EtcdLayerLink.layer(this.releases, app, profile);
		EtcdConfigExport.Format chosen = EtcdConfigExport.Format.of(format);
		describe(layer, chosen, user, model);
		text(model, this.text.text(this.releases, layer, chosen));
		return "layer";
	}

	/**
	 * Check edited text: refused with the reason (file, line and column) when the
	 * applications could not take it, otherwise the difference it makes, ready to
	 * publish.
	 */
	@PostMapping("/layer/check")
	public String check(@RequestParam(required = false) String app, @RequestParam(required = false) String profile,
			@RequestParam(defaultValue = "yaml") String format, @RequestParam String text, Authentication user,
			HttpSession session, Model model) {
		EtcdLayer layer = EtcdLayerLink.layer(this.releases, app, profile);
		this.access.checkPublish(user, layer);
		EtcdConfigExport.Format chosen = EtcdConfigExport.Format.of(format);
		describe(layer, chosen, user, model);
		try {
			Supplier<EtcdReleasePlan> plan = () -> this.text.plan(this.releases, layer, chosen, text);
			this.review.show(session, model, "Publish " + layer, plan.get(), plan);
			text(model, this.text.normalized(this.releases, layer, chosen, text));
		}
		catch (EtcdReleaseException ex) {
			if (ex.getReason() != EtcdReleaseException.Reason.INVALID) {
				throw ex;
			}
			model.addAttribute("error", ex.getMessage());
			text(model, text);
		}
		return "layer";
	}

	/**
	 * Edit checked text again: the text is locked once checked, so that what is published
	 * is what was checked; this gives it back to edit, with no release pending.
	 */
	@PostMapping("/layer/edit")
	public String edit(@RequestParam(required = false) String app, @RequestParam(required = false) String profile,
			@RequestParam(defaultValue = "yaml") String format, @RequestParam String text, Authentication user,
			Model model) {
		EtcdLayer layer = EtcdLayerLink.layer(this.releases, app, profile);
		this.access.checkPublish(user, layer);
		describe(layer, EtcdConfigExport.Format.of(format), user, model);
		text(model, text);
		return "layer";
	}

	// The text area fits the text, within reason.
	private static void text(Model model, String text) {
		model.addAttribute("text", text);
		model.addAttribute("rows", Math.min(Math.max(text.split("\n", -1).length + 1, 6), 40));
	}

	private void describe(EtcdLayer layer, EtcdConfigExport.Format format, Authentication user, Model model) {
		model.addAttribute("layer", EtcdLayerLink.of(layer));
		model.addAttribute("format", format.name().toLowerCase());
		model.addAttribute("prunes", this.releases.prunable(layer));
		model.addAttribute("canPublish", this.access.canPublish(user, layer.application()));
	}

	/**
	 * The layer's releases, newest first, each with its difference; and, with
	 * {@code property}, that property's past values.
	 */
	@GetMapping("/layer/history")
	public String history(@RequestParam(required = false) String app, @RequestParam(required = false) String profile,
			@RequestParam(required = false) String property, Authentication user, Model model) {
		EtcdLayer layer = EtcdLayerLink.layer(this.releases, app, profile);
		List<EtcdRelease> history = this.releases.history(layer, this.properties.getHistoryLimit());
		model.addAttribute("layer", EtcdLayerLink.of(layer));
		model.addAttribute("releases", history.stream().map((release) -> this.rows.release(release)).toList());
		model.addAttribute("canPublish", this.access.canPublish(user, layer.application()));
		if (StringUtils.hasText(property)) {
			model.addAttribute("property", property);
			model.addAttribute("propertyHistory",
					this.releases.propertyHistory(layer, property, this.properties.getHistoryLimit())
						.stream()
						.map((release) -> this.masks.show(property, release))
						.toList());
		}
		return "history";
	}

	/**
	 * Bring the layer back to how it was right after a release: shown first, published
	 * once confirmed.
	 */
	@PostMapping("/layer/rollback")
	public String rollback(@RequestParam(required = false) String app, @RequestParam(required = false) String profile,
			@RequestParam long to, Authentication user, HttpSession session, Model model) {
		EtcdLayer layer = EtcdLayerLink.layer(this.releases, app, profile);
		return review("Roll back " + layer + " to " + ((to > 0) ? "release " + to : "before its first release"), layer,
				() -> this.releases.planRollback(layer, to), user, session, model);
	}

	/**
	 * End a gray release by moving the profile's layer into the application's layer:
	 * shown first.
	 */
	@PostMapping("/gray/promote")
	public String promote(@RequestParam String app, @RequestParam String profile, Authentication user,
			HttpSession session, Model model) {
		EtcdLayer layer = EtcdLayerLink.layer(this.releases, app, profile);
		return review("Promote the gray release of profile " + profile + " into " + app, layer,
				() -> this.releases.planPromote(app, profile), user, session, model);
	}

	/**
	 * End a gray release by emptying the profile's layer: shown first, recorded as an
	 * abandon, as {@code etcd-config abandon} does.
	 */
	@PostMapping("/gray/abandon")
	public String abandon(@RequestParam String app, @RequestParam String profile, Authentication user,
			HttpSession session, Model model) {
		EtcdLayer layer = EtcdLayerLink.layer(this.releases, app, profile);
		return review("Abandon the gray release of profile " + profile + " of " + app, layer,
				() -> this.releases.planAbandon(app, profile), user, session, model);
	}

	private String review(String title, EtcdLayer layer, Supplier<EtcdReleasePlan> plan, Authentication user,
			HttpSession session, Model model) {
		this.access.checkPublish(user, layer);
		EtcdReleasePlan planned = plan.get();
		this.access.checkPublish(user, planned);
		model.addAttribute("layer", EtcdLayerLink.of(layer));
		this.review.show(session, model, title, planned, plan);
		return "review";
	}

}
