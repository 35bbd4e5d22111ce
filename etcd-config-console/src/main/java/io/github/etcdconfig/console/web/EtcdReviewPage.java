package io.github.etcdconfig.console.web;

import java.util.function.Supplier;

import io.github.etcdconfig.console.EtcdConsoleProperties;
import io.github.etcdconfig.console.security.EtcdConsoleAccess;
import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleaseReview;
import io.github.etcdconfig.release.EtcdReleaseWorkflow;
import io.github.etcdconfig.release.EtcdVerifyOptions;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

/**
 * Shows a computed release before it is published, as the release API's workflow reviews
 * it ({@link EtcdReleaseWorkflow#review}): refused at once when it does not fit in one
 * transaction, the workflow's notice when it changes nothing, otherwise its difference,
 * the running instances' verdicts ({@code etcd.console.verify}), and the form that
 * publishes it, kept as a pending release; a release an instance rejects gets no form,
 * and publishing it anyway is refused by the workflow. A change of an application's own
 * layer that deletes nothing may also be published as a staged rollout.
 */
@Component
public class EtcdReviewPage {

	private final EtcdReleaseWorkflow workflow;

	private final EtcdChangeRows rows;

	private final EtcdPendingReleases pending;

	private final EtcdConsoleAccess access;

	private final EtcdVerifyOptions verify;

	public EtcdReviewPage(EtcdReleaseWorkflow workflow, EtcdChangeRows rows, EtcdPendingReleases pending,
			EtcdConsoleAccess access, EtcdConsoleProperties properties) {
		this.workflow = workflow;
		this.rows = rows;
		this.pending = pending;
		this.access = access;
		this.verify = new EtcdVerifyOptions(properties.isVerify(), properties.getVerifyTimeout());
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
		Authentication user = SecurityContextHolder.getContext().getAuthentication();
		EtcdReleaseReview review = this.workflow.review(plan, (user != null) ? this.access.name(user) : null,
				this.verify);
		model.addAttribute("title", title);
		if (!review.isPublishable()) {
			model.addAttribute("notice", review.notice());
		}
		else {
			model.addAttribute("pending", this.pending.add(session, title, review, again));
			model.addAttribute("diff", this.rows.diff(plan));
			model.addAttribute("verification", review.verification());
			model.addAttribute("rejected", review.isRejected());
			model.addAttribute("stageable", isStageable(plan));
		}
	}

	/**
	 * Whether a release may go out as a staged rollout: a change of one application's own
	 * layer (not a profile's, not the shared one) that deletes nothing, as the release
	 * API requires; the API checks it again.
	 * @param plan the release
	 * @return whether it may
	 */
	static boolean isStageable(EtcdReleasePlan plan) {
		return plan.kind() == EtcdReleasePlan.Kind.PUSH && plan.layers().size() == 1
				&& plan.layers().get(0).layer().application() != null && plan.layers().get(0).layer().profile() == null
				&& plan.layers().get(0).removed() == 0;
	}

}
