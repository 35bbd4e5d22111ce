package io.github.etcdconfig.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.release.EtcdConfigFile;
import io.github.etcdconfig.release.EtcdInstanceStatus;
import io.github.etcdconfig.release.EtcdLayer;
import io.github.etcdconfig.release.EtcdPublication;
import io.github.etcdconfig.release.EtcdPushOptions;
import io.github.etcdconfig.release.EtcdReleasePlan;
import io.github.etcdconfig.release.EtcdReleaseReview;
import io.github.etcdconfig.release.EtcdReleaseSettings;
import io.github.etcdconfig.release.EtcdReleaseWorkflow;
import io.github.etcdconfig.release.EtcdReleases;
import io.github.etcdconfig.release.EtcdVerifyOptions;
import io.github.etcdconfig.test.EtcdCluster;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * What verifying a release with the running instances (issue 22) adds to a push: the
 * release API's workflow (plan, review, publish) timed end to end against N running
 * instances of the probe application, with verification and without, alternating, each
 * push after the previous one has reached every instance. Writes its section into
 * {@code docs/benchmarks.md}, in the part the main run keeps.
 *
 * <p>
 * {@code ./mvnw -q -B -Pbenchmarks,verify -pl benchmarks -am verify}; {@code
 * -Dbench.verify.instances=10 -Dbench.verify.samples=100}.
 */
public final class VerifyBenchmark {

	private static final String BEGIN = "<!-- verify-benchmark -->";

	private static final String END = "<!-- /verify-benchmark -->";

	private VerifyBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int instances = Integer.getInteger("bench.verify.instances", 10);
		int samples = Integer.getInteger("bench.verify.samples", 100);
		int warmUps = Math.max(5, samples / 5);
		Path docs = Path.of(System.getProperty("bench.docs", "docs"));
		ZonedDateTime started = ZonedDateTime.now();
		String loadBefore = Machine.loadAverage();
		List<ConfigurableApplicationContext> apps = new ArrayList<>();
		long[] verified = new long[samples];
		long[] unverified = new long[samples];
		long[] verification = new long[samples];
		try (EtcdCluster etcd = EtcdCluster.builder().build().start(); Client client = etcd.newClient()) {
			try {
				measure(etcd.endpointsProperty(), client, instances, samples, warmUps, apps, verified, unverified,
						verification);
			}
			finally {
				// Before etcd stops, so that each instance deregisters.
				apps.forEach(ConfigurableApplicationContext::close);
			}
		}
		Stats.Latency with = Stats.Latency.of(verified, samples);
		Stats.Latency without = Stats.Latency.of(unverified, samples);
		Stats.Latency verify = Stats.Latency.of(verification, samples);
		String section = section(started, loadBefore, instances, samples, warmUps, with, without, verify);
		System.out.println(section);
		Sections.write(docs.resolve("benchmarks.md"), BEGIN, END, section);
		// jetcd leaves non-daemon threads behind its closed clients.
		System.exit(0);
	}

	private static void measure(String endpoints, Client client, int instances, int samples, int warmUps,
			List<ConfigurableApplicationContext> apps, long[] verified, long[] unverified, long[] verification)
			throws InterruptedException {
		for (int i = 0; i < instances; i++) {
			apps.add(Apps.start(Apps.Mode.ETCD_CONFIG, endpoints, "etcd.discovery.enabled=true",
					"spring.application.name=bench", "etcd.discovery.host=127.0.0.1",
					"etcd.discovery.port=" + (9900 + i), "etcd.discovery.config-status-interval=100ms"));
		}
		EtcdReleases releases = new EtcdReleases(client, EtcdReleaseSettings.defaults());
		EtcdReleaseWorkflow workflow = new EtcdReleaseWorkflow(releases);
		EtcdLayer layer = releases.layer("bench", null);
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (releases.instances("bench").stream().filter(EtcdInstanceStatus::verifies).count() < instances) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("The instances do not all verify releases");
			}
			Thread.sleep(100);
		}
		System.out.println("Verify: " + instances + " instances, " + warmUps + " warm-ups, " + samples + " samples");
		int value = 0;
		for (int i = -warmUps; i < samples; i++) {
			long[] verifyNanos = new long[1];
			long with = push(releases, workflow, layer, ++value, EtcdVerifyOptions.DEFAULT, verifyNanos);
			long without = push(releases, workflow, layer, ++value, EtcdVerifyOptions.SKIP, new long[1]);
			if (i >= 0) {
				verified[i] = with;
				unverified[i] = without;
				verification[i] = verifyNanos[0];
			}
		}
	}

	// One push through the workflow, timed from the plan to the published release; then
	// waited for until every instance has applied it, untimed.
	private static long push(EtcdReleases releases, EtcdReleaseWorkflow workflow, EtcdLayer layer, int value,
			EtcdVerifyOptions verify, long[] verifyNanos) {
		EtcdConfigFile file = new EtcdConfigFile("bench.yml",
				("bench.verify.value: " + value + "\n").getBytes(StandardCharsets.UTF_8));
		long start = System.nanoTime();
		EtcdReleasePlan plan = releases.planPush(layer, List.of(file), EtcdPushOptions.DEFAULT);
		long reviewed = System.nanoTime();
		EtcdReleaseReview review = workflow.review(plan, "bench", verify);
		verifyNanos[0] = System.nanoTime() - reviewed;
		if (review.isRejected() || (verify.enabled() && review.verification().notAnswered().size() > 0)) {
			throw new IllegalStateException("An instance rejected or did not answer: " + review.verification());
		}
		EtcdPublication published = workflow.publish(review, "bench", null);
		long took = System.nanoTime() - start;
		if (!workflow.awaitRollout(published, Duration.ofSeconds(30)).complete()) {
			throw new IllegalStateException("The instances did not apply revision " + published.revision());
		}
		return took;
	}

	private static String section(ZonedDateTime started, String loadBefore, int instances, int samples, int warmUps,
			Stats.Latency with, Stats.Latency without, Stats.Latency verify) {
		StringBuilder out = Sections.start(BEGIN, "Verified releases: what verification adds to a push",
				"VerifyBenchmark", started, loadBefore);
		out.append(instances)
			.append(" running instances of the probe application (one JVM, each with its own jetcd client and "
					+ "registration), one etcd member on loopback. A push is the release API's workflow as `push "
					+ "--yes` runs it: plan, review (with verification: the proposal written, every instance's "
					+ "verdict read back from its registration, the proposal revoked), publish. Timed from the plan "
					+ "to the published release; each push waits, untimed, until every instance has applied the "
					+ "previous one. Pushes with and without verification alternate; ")
			.append(samples)
			.append(" of each after ")
			.append(warmUps)
			.append(" unrecorded pairs. Reproduce: `./mvnw -q -B -Pbenchmarks,verify -pl benchmarks -am verify` "
					+ "(`-Dbench.verify.instances`, `-Dbench.verify.samples`).\n\n");
		out.append("| | p50 | p99 | max |\n|---|---|---|---|\n");
		Sections.row(out, "push with verification", with);
		Sections.row(out, "push with `--no-verify`", without);
		Sections.row(out, "the verification alone (review with it)", verify);
		out.append(String.format(Locale.ROOT,
				"%nVerification adds %.1f ms to a push at p50 (target ≤ 300 ms) and %.1f ms at p99 (the p99 of "
						+ "the pushes with it against those without; target ≤ 1 s), with %d instances answering.%n%n",
				with.p50() - without.p50(), with.p99() - without.p99(), instances));
		out.append(END);
		return out.toString();
	}

}
