package io.github.etcdconfig.console.security;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.etcdconfig.console.EtcdConsoleProperties;
import io.github.etcdconfig.release.EtcdLayer;
import io.github.etcdconfig.release.EtcdReleasePlan;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.user.OAuth2User;
import org.springframework.stereotype.Component;

/**
 * Who may publish which layer: a publisher, and for an application that lists its
 * publishers ({@code etcd.console.applications.<app>.publishers}) or for the shared layer
 * ({@code etcd.console.shared-publishers}), one of them. Pages ask it to show or hide
 * their buttons; every write asks it again, so a forged request is refused as well.
 */
@Component
public class EtcdConsoleAccess implements InitializingBean {

	private static final Log logger = LogFactory.getLog(EtcdConsoleAccess.class);

	private static final String PUBLISHER = "ROLE_" + EtcdConsoleProperties.Role.PUBLISHER.name();

	private final EtcdConsoleProperties properties;

	public EtcdConsoleAccess(EtcdConsoleProperties properties) {
		this.properties = properties;
	}

	/**
	 * Warn when per-application publishers leave the shared layer open: every application
	 * reads it, so whoever may publish it can set any property an application's own layer
	 * leaves unset.
	 */
	@Override
	public void afterPropertiesSet() {
		List<String> restricted = this.properties.getApplications()
			.entrySet()
			.stream()
			.filter((application) -> !application.getValue().getPublishers().isEmpty())
			.map(Map.Entry::getKey)
			.toList();
		if (!restricted.isEmpty() && this.properties.getSharedPublishers().isEmpty()) {
			logger.warn("etcd.console.applications.*.publishers restricts who may publish " + restricted
					+ ", but etcd.console.shared-publishers is unset: every publisher may publish the shared layer, "
					+ "which these applications read too, and so set any property their own layers leave unset. "
					+ "Set etcd.console.shared-publishers to the users who may change every application.");
		}
	}

	/**
	 * Whether a user may publish an application's layers.
	 * @param user the user
	 * @param application the application, or {@code null} for the shared layer
	 * @return whether they may
	 */
	public boolean canPublish(Authentication user, String application) {
		if (user == null || user.getAuthorities().stream().noneMatch((role) -> PUBLISHER.equals(role.getAuthority()))) {
			return false;
		}
		Set<String> publishers = (application != null) ? this.properties.getApplications()
			.getOrDefault(application, new EtcdConsoleProperties.Application())
			.getPublishers() : this.properties.getSharedPublishers();
		return publishers.isEmpty() || publishers.contains(name(user));
	}

	/**
	 * Refuse a release the user may not publish.
	 * @param user the user
	 * @param plan the release
	 * @throws AccessDeniedException naming the layer
	 */
	public void checkPublish(Authentication user, EtcdReleasePlan plan) {
		plan.layers().forEach((change) -> checkPublish(user, change.layer()));
	}

	/**
	 * Refuse a layer the user may not publish.
	 * @param user the user
	 * @param layer the layer
	 * @throws AccessDeniedException naming the layer
	 */
	public void checkPublish(Authentication user, EtcdLayer layer) {
		if (!canPublish(user, layer.application())) {
			throw new AccessDeniedException(name(user) + " may not publish " + layer);
		}
	}

	/**
	 * The name a user is known by, recorded as the author of their releases: the login
	 * name, or for OIDC the {@code etcd.console.oidc.user-name-claim}.
	 * @param user the user
	 * @return the name
	 */
	public String name(Authentication user) {
		if (user.getPrincipal() instanceof OAuth2User oauth2) {
			Object name = oauth2.getAttribute(this.properties.getOidc().getUserNameClaim());
			if (name != null) {
				return name.toString();
			}
		}
		return user.getName();
	}

}
