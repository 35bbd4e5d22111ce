package io.github.etcdconfig.release;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Which instances of an application have applied a revision, like
 * {@code kubectl rollout status}.
 *
 * @param application the application, or {@code null} for every application
 * @param revision the revision waited for
 * @param complete whether every reporting instance has applied it
 * @param instances the instances registered at the end of the wait
 * @param gone instances that left the registry during the wait (stopped, or their lease
 * expired); not waited for
 */
public record EtcdRollout(String application, long revision, boolean complete, List<EtcdInstanceStatus> instances,
		List<EtcdInstanceStatus> gone) {

	public EtcdRollout {
		instances = List.copyOf(instances);
		gone = List.copyOf(gone);
	}

	/**
	 * The instances that report a configuration but have not applied the revision.
	 * @return the instances
	 */
	@JsonProperty
	public List<EtcdInstanceStatus> pending() {
		return this.instances.stream()
			.filter((instance) -> instance.isReporting() && !instance.hasApplied(this.revision))
			.toList();
	}

	/**
	 * The instances that refused to apply the revision (a property did not bind, validate
	 * or resolve): they keep their old values, and will not apply it.
	 * @return the instances
	 */
	@JsonProperty
	public List<EtcdInstanceStatus> rejected() {
		return this.instances.stream().filter((instance) -> instance.hasRejected(this.revision)).toList();
	}

	/**
	 * The instances that report no configuration, so cannot be waited for.
	 * @return the instances
	 */
	@JsonProperty
	public List<EtcdInstanceStatus> unknown() {
		return this.instances.stream().filter((instance) -> !instance.isReporting()).toList();
	}

}
