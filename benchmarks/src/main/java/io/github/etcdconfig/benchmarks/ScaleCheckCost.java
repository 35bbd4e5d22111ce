package io.github.etcdconfig.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.GetOption;
import io.github.etcdconfig.benchmarks.ScaleUsage.Member;
import io.github.etcdconfig.benchmarks.Stats.Latency;
import io.github.etcdconfig.ranges.EtcdKeyRange;
import io.github.etcdconfig.ranges.EtcdRevisionRequest;
import io.github.etcdconfig.test.EtcdCluster;

/**
 * What the starter's liveness check costs etcd, against the number of keys in the checked
 * range, serializable at a revision (as now) and linearizable (as before), and what its
 * first request, etcd's revision alone, costs as the member's Status (as now) and as a
 * count of one key, linearizable or serializable. The check asks for the newest change in
 * a range after the revision the watch received (keys only, sorted by modification
 * revision, descending, limit 1, a minimum modification revision): etcd reads and sorts
 * every key of the range to answer it. Measured with one client, one request at a time,
 * against a fresh 3-member cluster; a count-only read of the same range and a read of one
 * key are measured alike for comparison. The members' CPU while idle (raft heartbeats) is
 * measured first and taken off.
 */
final class ScaleCheckCost {

	static final String CHECK = "the liveness check (serializable at a revision, now)";

	static final String CHECK_LINEARIZABLE = "the liveness check, linearizable (before)";

	static final String PROBE = "etcd's revision, linearizable count";

	static final String PROBE_SERIALIZABLE = "etcd's revision, serializable count";

	static final String PROBE_STATUS = "etcd's revision, Status (the probe now)";

	private static final int REQUESTS = 1_000;

	private static final int WARM_UP = 100;

	/**
	 * One request kind on one range size.
	 *
	 * @param keys keys in the range
	 * @param request what was asked
	 * @param etcdCpuMicros etcd's CPU per request, all members, µs
	 * @param latency the request's latency
	 */
	record Cost(int keys, String request, double etcdCpuMicros, Latency latency) {
	}

	private ScaleCheckCost() {
	}

	static List<Cost> measure(int[] sizes) throws Exception {
		List<Cost> costs = new ArrayList<>();
		try (EtcdCluster etcd = EtcdCluster.builder().members(3).build().start(); Client client = etcd.newClient()) {
			KV kv = client.getKVClient();
			for (int size : sizes) {
				String prefix = "/scale/check/" + size + "/";
				List<CompletableFuture<?>> puts = new ArrayList<>();
				for (int key = 0; key < size; key++) {
					puts.add(kv.put(Keys.bytes(String.format("%sk%06d", prefix, key)), Keys.bytes(Keys.value(key))));
					if (puts.size() == 1_000) {
						puts.forEach(Keys::await);
						puts.clear();
					}
				}
				puts.forEach(Keys::await);
				EtcdKeyRange range = EtcdKeyRange.prefix(prefix);
				long revision = Keys
					.await(kv.get(range.startKey(),
							GetOption.builder().withRange(range.endKey()).withCountOnly(true).build()))
					.getHeader()
					.getRevision();
				// The starter's check (EtcdLivenessCheck), with nothing newer than the
				// watch received: serializable at a revision as now, and linearizable as
				// before for comparison.
				costs.add(cost(etcd, kv, size, CHECK, range,
						EtcdRevisionRequest.newestChangeAfter(range, revision, revision)));
				costs.add(cost(etcd, kv, size, CHECK_LINEARIZABLE, range,
						EtcdRevisionRequest.newestChangeAfter(range, revision, 0)));
				if (size == sizes[0]) {
					// What each check asks first, whatever the size of the ranges: the
					// member's Status (EtcdRevisionRequest.applied), and a count of one
					// key.
					Function<ByteSequence, CompletableFuture<Long>> status = EtcdRevisionRequest.applied(client,
							Duration.ofSeconds(10));
					costs.add(cost(etcd, size, PROBE_STATUS, () -> status.apply(range.startKey())));
					costs.add(cost(etcd, kv, size, PROBE, range, GetOption.builder().withCountOnly(true).build()));
					costs.add(cost(etcd, kv, size, PROBE_SERIALIZABLE, range,
							GetOption.builder().withCountOnly(true).withSerializable(true).build()));
				}
				costs.add(cost(etcd, kv, size, "count only", range,
						GetOption.builder().withRange(range.endKey()).withCountOnly(true).build()));
				costs.add(cost(etcd, kv, size, "one key", range, GetOption.builder().withLimit(1).build()));
			}
		}
		return costs;
	}

	private static Cost cost(EtcdCluster etcd, KV kv, int size, String request, EtcdKeyRange range, GetOption option)
			throws Exception {
		return cost(etcd, size, request, () -> kv.get(range.startKey(), option));
	}

	private static Cost cost(EtcdCluster etcd, int size, String request, Supplier<CompletableFuture<?>> send)
			throws Exception {
		return cost(etcd, size, request, send, REQUESTS, WARM_UP);
	}

	/**
	 * etcd's CPU (all members, idle CPU taken off) and latency of one kind of request,
	 * sent one at a time.
	 * @param etcd the cluster
	 * @param size the keys it holds, for the record
	 * @param request what is asked, for the record
	 * @param send sends one request
	 * @param requests how many are measured
	 * @param warmUp how many are sent first, unmeasured
	 * @return the cost
	 * @throws Exception when a request fails
	 */
	static Cost cost(EtcdCluster etcd, int size, String request, Supplier<CompletableFuture<?>> send, int requests,
			int warmUp) throws Exception {
		List<Member> idle = ScaleUsage.sample(etcd);
		long idleStart = System.nanoTime();
		ScaleCell.pause(Duration.ofSeconds(2));
		double idleRate = (double) (cpu(ScaleUsage.sample(etcd)) - cpu(idle)) / (System.nanoTime() - idleStart);
		long[] latencies = new long[requests];
		List<Member> before = null;
		long start = 0;
		for (int i = -warmUp; i < requests; i++) {
			if (i == 0) {
				before = ScaleUsage.sample(etcd);
				start = System.nanoTime();
			}
			long sent = System.nanoTime();
			send.get().get(10, TimeUnit.SECONDS);
			if (i >= 0) {
				latencies[i] = System.nanoTime() - sent;
			}
		}
		List<Member> after = ScaleUsage.sample(etcd);
		double cpu = cpu(after) - cpu(before) - idleRate * (System.nanoTime() - start);
		Cost cost = new Cost(size, request, Math.max(0, cpu) / 1000.0 / requests, Latency.of(latencies, requests));
		System.out.printf("  etcd cost: %,6d keys, %-18s etcd CPU %8.1f µs per request, p50 %.2f ms%n", size, request,
				cost.etcdCpuMicros(), cost.latency().p50());
		return cost;
	}

	private static long cpu(List<Member> members) {
		return members.stream().mapToLong(Member::cpuNanos).sum();
	}

}
