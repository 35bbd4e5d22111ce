package io.github.etcdconfig.console.web;

import java.util.function.Supplier;

import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleases;
import jakarta.servlet.http.HttpSession;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

/**
 * Shows a computed release before it is published: refused at once when it does not fit
 * in one transaction, a notice when it changes nothing, otherwise its difference and the
 * form that publishes it, kept as a pending release.
 */
@Component
public class EtcdReleaseReview {

	private final EtcdReleases releases;

	private final EtcdConsoleMasks masks;

	private final EtcdPendingReleases pending;

	public EtcdReleaseReview(EtcdReleases releases, EtcdConsoleMasks masks, EtcdPendingReleases pending) {
		this.releases = releases;
		this.masks = masks;
		this.pending = pending;
	}

	/**
	 * Put a release on the page.
	 * @param session the user's session, where the release waits
	 * @param model the page
	 * @param title what the release does
	 * @param application whose instances to follow once published, or {@code null}
	 * @param plan the release
	 * @param again the same release computed afresh, after a conflict
	 * @throws io.github.etcdconfig.release.EtcdReleaseException (invalid) when it does
	 * not fit in one transaction
	 */
	public void show(HttpSession session, Model model, String title, String application, EtcdReleasePlan plan,
			Supplier<EtcdReleasePlan> again) {
		this.releases.checkSize(plan);
		model.addAttribute("title", title);
		if (plan.isEmpty()) {
			model.addAttribute("notice", "Nothing to release: etcd already holds these values.");
		}
		else {
			model.addAttribute("pending", this.pending.add(session, title, application, plan, again));
			model.addAttribute("diff", this.masks.diff(this.releases, plan));
		}
	}

}
