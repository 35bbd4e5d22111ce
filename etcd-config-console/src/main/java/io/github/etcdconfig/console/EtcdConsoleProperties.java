package io.github.etcdconfig.console;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.github.etcdconfig.release.EtcdReleaseSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Settings of the console: who may log in and publish, where release records live, and
 * how the pages behave. The connection to etcd and the layout are the starter's own
 * {@code etcd.*} settings ({@code etcd.endpoints}, {@code etcd.ssl.bundle},
 * {@code etcd.config.prefixes}, {@code etcd.discovery.prefix}...).
 *
 * <p>
 * The class validates itself; a message names the setting and never shows a password.
 */
@ConfigurationProperties(prefix = EtcdConsoleProperties.PREFIX)
public class EtcdConsoleProperties implements Validator {

	/** The prefix of these settings. */
	public static final String PREFIX = "etcd.console";

	private static final Pattern BCRYPT = Pattern.compile("^(\\{bcrypt})?\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}$");

	/**
	 * Users who log in with a password. Without any (and without an OIDC provider), one
	 * user "admin" with a generated password is created, and the password is printed once
	 * at start-up. With an OIDC provider, an entry without a password gives roles to the
	 * OIDC user of that name.
	 */
	private List<User> users = new ArrayList<>();

	/**
	 * Per application, who may publish its layers. An application not listed may be
	 * published by every publisher.
	 */
	private Map<String, Application> applications = new LinkedHashMap<>();

	/**
	 * Who may publish the shared layer (etcd.config.prefixes' first prefix, /config/),
	 * which every application reads. When empty, every publisher may.
	 */
	private Set<String> sharedPublishers = new LinkedHashSet<>();

	/**
	 * Where release records are kept, as the CLI's --releases-prefix. Never inside a
	 * configuration prefix.
	 */
	private String releasesPrefix = EtcdReleaseSettings.DEFAULT_RELEASES_PREFIX;

	/**
	 * Where a release is proposed to the running instances before it is published, as
	 * their etcd.config.verify.prefix and the CLI's --proposals-prefix. Never inside a
	 * configuration prefix.
	 */
	private String proposalsPrefix = EtcdReleaseSettings.DEFAULT_PROPOSALS_PREFIX;

	/**
	 * Whether the review of a release asks the running instances whether they would apply
	 * it, and refuses to publish one they reject.
	 */
	private boolean verify = true;

	/**
	 * How long the review of a release waits for the running instances' verdicts; those
	 * that do not answer in time are listed.
	 */
	private Duration verifyTimeout = Duration.ofSeconds(5);

	/**
	 * The most operations etcd takes in one transaction: etcd's --max-txn-ops. A release
	 * is never split.
	 */
	private int maxTxnOps = EtcdReleaseSettings.DEFAULT_MAX_TXN_OPS;

	/**
	 * How many releases of each layer are kept.
	 */
	private int keep = EtcdReleaseSettings.DEFAULT_KEEP;

	/**
	 * How many releases a history page shows and a property's history looks through.
	 */
	private int historyLimit = 20;

	/**
	 * How often the rollout pages ask again: the rollout of a release for the instances'
	 * applied revisions, and a staged rollout for its stage, subset and bake while it
	 * runs or is paused.
	 */
	private Duration rolloutRefresh = Duration.ofSeconds(1);

	/**
	 * How long after a release an instance that has not applied it is marked as a
	 * straggler.
	 */
	private Duration stragglerAfter = Duration.ofSeconds(10);

	private final Oidc oidc = new Oidc();

	public List<User> getUsers() {
		return this.users;
	}

	public void setUsers(List<User> users) {
		this.users = users;
	}

	public Map<String, Application> getApplications() {
		return this.applications;
	}

	public void setApplications(Map<String, Application> applications) {
		this.applications = applications;
	}

	public Set<String> getSharedPublishers() {
		return this.sharedPublishers;
	}

	public void setSharedPublishers(Set<String> sharedPublishers) {
		this.sharedPublishers = sharedPublishers;
	}

	public String getReleasesPrefix() {
		return this.releasesPrefix;
	}

	public void setReleasesPrefix(String releasesPrefix) {
		this.releasesPrefix = releasesPrefix;
	}

	public String getProposalsPrefix() {
		return this.proposalsPrefix;
	}

	public void setProposalsPrefix(String proposalsPrefix) {
		this.proposalsPrefix = proposalsPrefix;
	}

	public boolean isVerify() {
		return this.verify;
	}

	public void setVerify(boolean verify) {
		this.verify = verify;
	}

	public Duration getVerifyTimeout() {
		return this.verifyTimeout;
	}

	public void setVerifyTimeout(Duration verifyTimeout) {
		this.verifyTimeout = verifyTimeout;
	}

	public int getMaxTxnOps() {
		return this.maxTxnOps;
	}

	public void setMaxTxnOps(int maxTxnOps) {
		this.maxTxnOps = maxTxnOps;
	}

	public int getKeep() {
		return this.keep;
	}

	public void setKeep(int keep) {
		this.keep = keep;
	}

	public int getHistoryLimit() {
		return this.historyLimit;
	}

	public void setHistoryLimit(int historyLimit) {
		this.historyLimit = historyLimit;
	}

	public Duration getRolloutRefresh() {
		return this.rolloutRefresh;
	}

	public void setRolloutRefresh(Duration rolloutRefresh) {
		this.rolloutRefresh = rolloutRefresh;
	}

	public Duration getStragglerAfter() {
		return this.stragglerAfter;
	}

	public void setStragglerAfter(Duration stragglerAfter) {
		this.stragglerAfter = stragglerAfter;
	}

	public Oidc getOidc() {
		return this.oidc;
	}

	@Override
	public boolean supports(Class<?> clazz) {
		return EtcdConsoleProperties.class.isAssignableFrom(clazz);
	}

	@Override
	public void validate(Object target, Errors errors) {
		EtcdConsoleProperties properties = (EtcdConsoleProperties) target;
		Set<String> names = new LinkedHashSet<>();
		for (int i = 0; i < properties.getUsers().size(); i++) {
			User user = properties.getUsers().get(i);
			String path = PREFIX + ".users[" + i + "]";
			if (!StringUtils.hasText(user.getName())) {
				errors.rejectValue("users[" + i + "].name", "etcd.console.users.name", path + ".name must be set");
			}
			else if (!names.add(user.getName())) {
				errors.rejectValue("users[" + i + "].name", "etcd.console.users.duplicate",
						path + ".name '" + user.getName() + "' is listed twice");
			}
			if (user.getPassword() != null && !BCRYPT.matcher(user.getPassword()).matches()) {
				// An object error, not a field error: a field error would carry the
				// value, which may be a password
				// typed in plain text by mistake, into the start-up failure report.
				errors.reject("etcd.console.users.password",
						path + ".password must be a BCrypt hash such as $2a$10$..., never a plain password");
			}
			if (user.getRoles().isEmpty()) {
				errors.rejectValue("users[" + i + "].roles", "etcd.console.users.roles",
						path + ".roles must name viewer, publisher or both");
			}
		}
		if (properties.getHistoryLimit() < 1) {
			errors.rejectValue("historyLimit", "etcd.console.history-limit",
					PREFIX + ".history-limit must be at least 1");
		}
		positive(errors, "rolloutRefresh", properties.getRolloutRefresh(), PREFIX + ".rollout-refresh");
		positive(errors, "stragglerAfter", properties.getStragglerAfter(), PREFIX + ".straggler-after");
		positive(errors, "verifyTimeout", properties.getVerifyTimeout(), PREFIX + ".verify-timeout");
	}

	private static void positive(Errors errors, String field, Duration value, String property) {
		if (value == null || value.isNegative() || value.isZero()) {
			errors.rejectValue(field, "etcd.console.duration", property + " must be a positive duration");
		}
	}

	/**
	 * What a user may do.
	 */
	public enum Role {

		/** Reads every page. */
		VIEWER,

		/** Also edits, publishes, rolls back, promotes and abandons. */
		PUBLISHER

	}

	/**
	 * A user of the console.
	 */
	public static class User {

		/**
		 * The login name; it is recorded as the author of the user's releases.
		 */
		private String name;

		/**
		 * The password as a BCrypt hash (with or without "{bcrypt}"), for instance from
		 * "htpasswd -bnBC 10 '' PASSWORD". None for a user who logs in through OIDC.
		 */
		private String password;

		/**
		 * The user's roles: viewer, publisher (a publisher also views).
		 */
		private Set<Role> roles = new LinkedHashSet<>();

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

		public Set<Role> getRoles() {
			return this.roles;
		}

		public void setRoles(Set<Role> roles) {
			this.roles = roles;
		}

		@Override
		public String toString() {
			return "user '" + this.name + "' " + this.roles;
		}

	}

	/**
	 * Settings of one application.
	 */
	public static class Application {

		/**
		 * The users who may publish this application's layers (they need the publisher
		 * role too). When empty, every publisher may.
		 */
		private Set<String> publishers = new LinkedHashSet<>();

		public Set<String> getPublishers() {
			return this.publishers;
		}

		public void setPublishers(Set<String> publishers) {
			this.publishers = publishers;
		}

	}

	/**
	 * How users who log in through OIDC (spring.security.oauth2.client.registration.*)
	 * get their roles.
	 */
	public static class Oidc {

		/**
		 * The claim that names the user, matched against etcd.console.users[].name and
		 * recorded as the author of releases.
		 */
		private String userNameClaim = "preferred_username";

		/**
		 * A claim whose values name console roles (viewer, publisher), such as a groups
		 * claim the provider fills.
		 */
		private String rolesClaim = "roles";

		public String getUserNameClaim() {
			return this.userNameClaim;
		}

		public void setUserNameClaim(String userNameClaim) {
			this.userNameClaim = userNameClaim;
		}

		public String getRolesClaim() {
			return this.rolesClaim;
		}

		public void setRolesClaim(String rolesClaim) {
			this.rolesClaim = rolesClaim;
		}

	}

}
