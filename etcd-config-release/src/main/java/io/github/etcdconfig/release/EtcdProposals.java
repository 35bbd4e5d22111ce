package io.github.etcdconfig.release;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.options.PutOption;
import io.github.etcdconfig.client.EtcdBytes;
import tools.jackson.databind.json.JsonMapper;

/**
 * Offers a release plan to the running instances before it is published, and collects
 * their answers.
 *
 * <p>
 * The proposal is one key, {@code {proposals-prefix}{layer prefix without its leading
 * /}{id}} (such as {@code /config-proposals/config-apps/billing/p-4f1c...}), outside
 * every configuration prefix, on a lease of the wait plus 10 s, so that a tool that dies
 * mid-way leaves nothing behind for long. Its value is JSON: {@code {"id", "layer",
 * "baseRevision", "puts": {key: value}, "deletes": [key], "by"}}. Every instance that
 * reads the layer evaluates it against its own beans and writes its answer into its
 * registration ({@code config.verdicts}); the proposal is revoked once the answers are in
 * or the time is up.
 *
 * <p>
 * Waited for: the registered instances of the layer's application (of every application
 * for the shared layer) that say they verify ({@code config.verifies}). The others are
 * listed, not waited for.
 */
final class EtcdProposals {

	// After the wait the tool revokes the lease itself; the margin only covers a tool
	// that
	// stops before.
	private static final Duration LEASE_MARGIN = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final KV kv;

	private final Lease lease;

	private final EtcdInstances instances;

	private final EtcdReleaseSettings settings;

	EtcdProposals(KV kv, Lease lease, EtcdInstances instances, EtcdReleaseSettings settings) {
		this.kv = kv;
		this.lease = lease;
		this.instances = instances;
		this.settings = settings;
	}

	EtcdVerification verify(EtcdReleasePlan plan, String by, Duration wait) {
		EtcdLayerChange change = proposed(plan);
		String application = change.layer().application();
		List<String> notVerifying = new ArrayList<>();
		Set<String> awaited = new TreeSet<>();
		for (EtcdInstanceStatus instance : this.instances.list(application)) {
			(instance.verifies() ? awaited : notVerifying).add(instance.toString());
		}
		if (awaited.isEmpty()) {
			return new EtcdVerification(null, by, List.of(), notVerifying, List.of());
		}
		String id = "p-" + UUID.randomUUID();
		String key = this.settings.proposalsFolder(change.layer()) + id;
		long leaseId = EtcdReleaseCalls
			.await(this.lease.grant(wait.plus(LEASE_MARGIN).toSeconds()), this.settings.timeout(),
					"Granting the lease of the proposal " + key)
			.getID();
		Map<String, EtcdInstanceVerdict> answers;
		try {
			EtcdReleaseCalls.await(
					this.kv.put(EtcdBytes.of(key), EtcdBytes.of(value(id, plan.baseRevision(), change, by)),
							PutOption.builder().withLeaseId(leaseId).build()),
					this.settings.timeout(), "Writing the proposal " + key);
			answers = this.instances.awaitVerdicts(application, id, awaited, wait);
		}
		finally {
			revoke(leaseId, key);
		}
		List<String> notAnswered = awaited.stream().filter((instance) -> !answers.containsKey(instance)).toList();
		return new EtcdVerification(id, by, List.copyOf(answers.values()), notVerifying, notAnswered);
	}

	// A push and a rollback change one layer. A promotion changes two, the application's
	// layer and its profile's, and is proposed as the change of the application's layer
	// alone, which is exact: the instances of the profile see the promoted keys at the
	// values they already have, and the others see the application's layer as it will be.
	private static EtcdLayerChange proposed(EtcdReleasePlan plan) {
		return plan.layers().get(0);
	}

	private static String value(String id, long baseRevision, EtcdLayerChange change, String by) {
		Map<String, String> puts = new LinkedHashMap<>();
		List<String> deletes = new ArrayList<>();
		for (EtcdKeyChange key : change.changes()) {
			if (key.type() == EtcdKeyChange.Type.REMOVED) {
				deletes.add(key.key());
			}
			else {
				puts.put(key.key(), key.newValue());
			}
		}
		Map<String, Object> proposal = new LinkedHashMap<>();
		proposal.put("id", id);
		proposal.put("layer", change.layer().prefix());
		proposal.put("baseRevision", baseRevision);
		proposal.put("puts", puts);
		proposal.put("deletes", deletes);
		proposal.put("by", (by != null) ? by : "");
		return JSON.writeValueAsString(proposal);
	}

	// The lease ends with its time anyway: a failure to revoke it is no reason to lose
	// the
	// answers.
	private void revoke(long leaseId, String key) {
		try {
			EtcdReleaseCalls.await(this.lease.revoke(leaseId), this.settings.timeout(), "Revoking the proposal " + key);
		}
		catch (EtcdReleaseException ex) {
			// Expires within the lease's time.
		}
	}

}
