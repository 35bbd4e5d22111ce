package io.github.etcdconfig.console.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleaseReview;
import jakarta.servlet.http.HttpSession;

import org.springframework.stereotype.Component;

/**
 * Releases shown to a user and not yet published, kept in the user's session: publishing
 * writes exactly the plan the user saw, read at the revision the user saw, so a change
 * made meanwhile is a conflict and never overwritten. The browser holds only the plan's
 * id.
 */
@Component
public class EtcdPendingReleases {

	private static final String ATTRIBUTE = EtcdPendingReleases.class.getName();

	private static final int MOST = 20;

	/**
	 * Keep a plan.
	 * @param session the user's session
	 * @param title what the release does, for the page
	 * @param review the release shown, as the workflow reviewed it
	 * @param again how to compute the same release afresh, after a conflict
	 * @return the kept release
	 */
	public Pending add(HttpSession session, String title, EtcdReleaseReview review, Supplier<EtcdReleasePlan> again) {
		Pending pending = new Pending(UUID.randomUUID().toString(), title, review, again);
		Map<String, Pending> all = all(session);
		synchronized (all) {
			all.put(pending.id(), pending);
		}
		return pending;
	}

	/**
	 * A kept plan.
	 * @param session the user's session
	 * @param id its id
	 * @return the plan, or {@code null} when the session has no such plan (expired, or
	 * published)
	 */
	public Pending get(HttpSession session, String id) {
		Map<String, Pending> all = all(session);
		synchronized (all) {
			return all.get(id);
		}
	}

	/**
	 * Forget a plan once published.
	 */
	public void remove(HttpSession session, String id) {
		Map<String, Pending> all = all(session);
		synchronized (all) {
			all.remove(id);
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Pending> all(HttpSession session) {
		synchronized (session) {
			Object all = session.getAttribute(ATTRIBUTE);
			if (all == null) {
				all = new LinkedHashMap<String, Pending>(16, 0.75f, false) {
					@Override
					protected boolean removeEldestEntry(Map.Entry<String, Pending> eldest) {
						return size() > MOST;
					}
				};
				session.setAttribute(ATTRIBUTE, all);
			}
			return (Map<String, Pending>) all;
		}
	}

	/**
	 * A release shown and not yet published.
	 *
	 * @param id its id
	 * @param title what it does
	 * @param review the release, as the workflow reviewed it
	 * @param again the same release computed afresh
	 */
	public record Pending(String id, String title, EtcdReleaseReview review, Supplier<EtcdReleasePlan> again) {

		/**
		 * The release's plan.
		 * @return the plan
		 */
		public EtcdReleasePlan plan() {
			return this.review.plan();
		}

	}

}
