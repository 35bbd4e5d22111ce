package io.github.etcdconfig.console.web;

import java.util.function.Supplier;

import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleaseReview;
import io.github.etcdconfig.release.EtcdReleaseWorkflow;
import jakarta.servlet.http.HttpSession;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

/**
 * Shows a computed release before it is published, as the release API's workflow reviews
 * it ({@link EtcdReleaseWorkflow#review}): refused at once when it does not fit in one
 * transaction, the workflow's notice when it changes nothing, otherwise its difference
 * and the form that publishes it, kept as a pending release.
 */
@Component
public class EtcdReviewPage {

	private final EtcdReleaseWorkflow workflow;

	private final EtcdChangeRows rows;

	private final EtcdPendingReleases pending;

	public EtcdReviewPage(EtcdReleaseWorkflow workflow, EtcdChangeRows rows, EtcdPendingReleases pending) {
		this.workflow = workflow;
		this.rows = rows;
		this.pending = pending;
	}

	/**
	 * Put a release on the page.
	 * @param session the user's session, where the release waits
	 * @param model the page
	 * @param title what the release does
	 * @param plan the release
	 * @param again the same release computed afresh, after a conflict
	 * @throws io.github.etcdconfig.release.EtcdReleaseException (invalid) when it does
	 * not fit in one transaction
	 */
	public void show(HttpSession session, Model model, String title, EtcdReleasePlan plan,
			Supplier<EtcdReleasePlan> again) {
		EtcdReleaseReview review = this.workflow.review(plan);
		model.addAttribute("title", title);
		if (!review.isPublishable()) {
			model.addAttribute("notice", review.notice());
		}
		else {
			model.addAttribute("pending", this.pending.add(session, title, review, again));
			model.addAttribute("diff", this.rows.diff(plan));
		}
	}

}
