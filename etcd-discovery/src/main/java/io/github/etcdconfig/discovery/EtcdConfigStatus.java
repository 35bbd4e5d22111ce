package io.github.etcdconfig.discovery;

import java.util.List;

import io.github.etcdconfig.refresh.EtcdConfigRejection;
import io.github.etcdconfig.verify.EtcdConfigVerdict;

/**
 * What an instance reports of its configuration in its registration: the etcd revision it
 * has applied, whether its values may be stale, the state of its watch, whether it
 * evaluates proposed changes, the revision it last rejected and its latest verdicts. The
 * operator tools read it to tell which instances have a release, and which refuse one.
 *
 * @param revision the etcd revision of the configuration the instance has applied; 0
 * before etcd was read
 * @param stale whether the values come from the snapshot file because etcd could not be
 * read at start-up
 * @param state the state of the configuration watch (WATCHING, RECONNECTING...), or
 * {@code null} without a watch
 * @param verifies whether the instance evaluates proposed changes; {@code false} for
 * entries of older versions and other languages
 * @param rejected the newest revision the instance tried to apply and rejected, while no
 * later revision was applied; {@code null} otherwise
 * @param verdicts its latest verdicts on proposals, newest first, at most
 * {@value #MAX_VERDICTS}
 * @param rollout the staged rollout whose values the instance exposes, {@code null} when
 * it matches none
 */
public record EtcdConfigStatus(long revision, boolean stale, String state, boolean verifies,
		EtcdConfigRejection rejected, List<EtcdConfigVerdict> verdicts, Rollout rollout) {

	/** How many verdicts a registration keeps. */
	public static final int MAX_VERDICTS = 8;

	public EtcdConfigStatus {
		verdicts = List.copyOf((verdicts.size() > MAX_VERDICTS) ? verdicts.subList(0, MAX_VERDICTS) : verdicts);
	}

	/**
	 * The status of an instance that takes part in no staged rollout.
	 * @param revision the applied revision
	 * @param stale whether the values may be stale
	 * @param state the watch state
	 * @param verifies whether the instance evaluates proposed changes
	 * @param rejected the revision rejected, or {@code null}
	 * @param verdicts the latest verdicts, newest first
	 */
	public EtcdConfigStatus(long revision, boolean stale, String state, boolean verifies, EtcdConfigRejection rejected,
			List<EtcdConfigVerdict> verdicts) {
		this(revision, stale, state, verifies, rejected, verdicts, null);
	}

	/**
	 * The status of an instance that does not evaluate proposals and has rejected
	 * nothing.
	 * @param revision the applied revision
	 * @param stale whether the values may be stale
	 * @param state the watch state
	 */
	public EtcdConfigStatus(long revision, boolean stale, String state) {
		this(revision, stale, state, false, null, List.of());
	}

	/**
	 * The staged rollout an instance takes part in: the selector at {@code {application
	 * layer}_rollout/selector} matches it and it exposes the values under
	 * {@code _rollout/values/}.
	 *
	 * @param id the rollout's id, as in its selector
	 * @param revision the revision of the snapshot in which the instance took the
	 * rollout's values
	 */
	public record Rollout(String id, long revision) {

	}

}
