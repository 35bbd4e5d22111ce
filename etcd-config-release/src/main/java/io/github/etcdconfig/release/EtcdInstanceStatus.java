package io.github.etcdconfig.release;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.github.etcdconfig.refresh.EtcdConfigRejection;
import io.github.etcdconfig.verify.EtcdConfigVerdict;

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
 * unreachable at its start
 * @param state its configuration watch state, such as {@code WATCHING}, or {@code null}
 * @param problem why its entry could not be read, or {@code null}
 * @param metadata its registered metadata ({@code etcd.discovery.metadata.*}), such as
 * the profiles it runs, which tells the instances of a gray release
 * @param verifies whether it evaluates proposed releases ({@code config.verifies})
 * @param rejected the newest revision it refused to apply, or {@code null} when it
 * applied the newest it tried
 * @param verdicts its answers to the newest proposals, newest first
 */
public record EtcdInstanceStatus(String service, String instance, String uri, String status, Long revision,
		boolean stale, String state, String problem, Map<String, String> metadata, boolean verifies,
		EtcdConfigRejection rejected, List<EtcdConfigVerdict> verdicts) {

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
		return this.revision != null && this.revision >= wanted && !this.stale;
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
