package io.github.etcdconfig.release;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.github.etcdconfig.discovery.EtcdConfigStatus;
import io.github.etcdconfig.refresh.EtcdConfigRejection;
import io.github.etcdconfig.verify.EtcdConfigVerdict;

import org.springframework.util.StringUtils;

/**
 * One registered instance and the configuration it reports in its registration
 * ({@code etcd-discovery} writes it after each refresh).
 *
 * @param service the service (application) it is registered under
 * @param instance its instance id
 * @param uri where it is called, or {@code null} when its entry does not say
 * @param status its registered status, such as {@code healthy}
 * @param revision the etcd revision of the configuration it has applied, or {@code null}
 * when it reports none (an instance without etcd-discovery 0.1's report, or written by
 * another language)
 * @param stale whether its values came from its snapshot file because etcd was
 * unreachable at its start, or {@code null} when it reports no configuration
 * @param state its configuration watch state, such as {@code WATCHING}, or {@code null}
 * @param problem why its entry could not be read, or {@code null}
 * @param metadata its registered metadata ({@code etcd.discovery.metadata.*}), such as
 * the profiles it runs, which tells the instances of a gray release
 * @param verifies whether it evaluates proposed releases ({@code config.verifies})
 * @param rejected the newest revision it refused to apply, or {@code null} when it
 * applied the newest it tried
 * @param verdicts its answers to the newest proposals, newest first
 * @param rollout the staged rollout whose values it exposes, with the revision where it
 * took them ({@code config.rollout}), or {@code null} when it exposes none
 * @param health the aggregate health it publishes ({@code UP}, {@code DOWN}...), or
 * {@code null} when it publishes none
 * @param lease the lease its registration is bound to, {@code 0} for none: a process that
 * registers again under the same id (a restart) does so on a new lease
 */
public record EtcdInstanceStatus(String service, String instance, String uri, String status, Long revision,
		Boolean stale, String state, String problem, Map<String, String> metadata, boolean verifies,
		EtcdConfigRejection rejected, List<EtcdConfigVerdict> verdicts, EtcdConfigStatus.Rollout rollout, String health,
		@JsonIgnore long lease) {

	/**
	 * The metadata entry in which an instance names the profiles it runs
	 * ({@code etcd.discovery.metadata.profiles=canary,eu}).
	 */
	public static final String PROFILES = "profiles";

	public EtcdInstanceStatus {
		metadata = (metadata != null) ? Map.copyOf(metadata) : Map.of();
		verdicts = (verdicts != null) ? List.copyOf(verdicts) : List.of();
	}

	/**
	 * Whether it has applied a revision: it reports that revision or a later one, and its
	 * values are not stale.
	 * @param wanted the revision
	 * @return whether it has applied it
	 */
	public boolean hasApplied(long wanted) {
		return this.revision != null && this.revision >= wanted && !Boolean.TRUE.equals(this.stale);
	}

	/**
	 * The profiles it registers as running, in its metadata ({@link #PROFILES}).
	 * @return the profiles, none when it does not say
	 */
	@JsonIgnore
	public List<String> profiles() {
		String profiles = this.metadata.get(PROFILES);
		return (profiles != null) ? List.of(StringUtils.tokenizeToStringArray(profiles, ",")) : List.of();
	}

	/**
	 * Whether a release reaches it: every instance of the application, or for a gray
	 * release only those that run its profile.
	 * @param profile the profile of a gray release, or {@code null}
	 * @return whether it does
	 */
	public boolean isTargetOf(String profile) {
		return profile == null || profiles().contains(profile);
	}

	/**
	 * Whether it refused to apply a revision, or a later one, that it has not applied.
	 * @param wanted the revision
	 * @return whether it refused it
	 */
	public boolean hasRejected(long wanted) {
		return this.rejected != null && this.rejected.revision() >= wanted && !hasApplied(wanted);
	}

	/**
	 * Its answer to a proposal.
	 * @param proposal the proposal's id
	 * @return the answer, or {@code null} when it has given none
	 */
	public EtcdInstanceVerdict verdict(String proposal) {
		return this.verdicts.stream()
			.filter((verdict) -> verdict.proposal().equals(proposal))
			.map((verdict) -> EtcdInstanceVerdict.of(toString(), verdict))
			.findFirst()
			.orElse(null);
	}

	/**
	 * Whether it has applied a stage of a staged rollout: it exposes that rollout's
	 * values, at the stage's revision or a later one.
	 * @param rollout the rollout's id
	 * @param stageRevision the revision of the stage's transaction
	 * @return whether it has applied it
	 */
	public boolean hasApplied(String rollout, long stageRevision) {
		return hasApplied(stageRevision) && this.rollout != null && this.rollout.id().equals(rollout);
	}

	/**
	 * Whether its registration says that it serves: status {@code healthy} or {@code UP}
	 * (or none, for entries of other writers).
	 * @return whether it does
	 */
	@JsonIgnore
	public boolean isServing() {
		return this.status == null || this.status.equalsIgnoreCase("healthy") || this.status.equalsIgnoreCase("UP");
	}

	/**
	 * Whether it publishes a health of {@code DOWN}.
	 * @return whether it does
	 */
	@JsonIgnore
	public boolean isDown() {
		return "DOWN".equalsIgnoreCase(this.health);
	}

	/**
	 * Whether it reports the configuration it has applied at all.
	 * @return whether it does
	 */
	@JsonIgnore
	public boolean isReporting() {
		return this.revision != null;
	}

	/**
	 * The service and instance id.
	 * @return {@code service/instance}
	 */
	@Override
	public String toString() {
		return this.service + "/" + this.instance;
	}

}
