package io.github.etcdconfig.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdMember;
import io.github.etcdconfig.test.EtcdMetrics;

/**
 * What is inside each etcd member's memory, for finding what the instances add to it
 * (option {@code pprof=DIR}): the members run with {@code --enable-pprof}, and at each
 * sample this saves, per member, its resident memory, the Go runtime's memory figures of
 * {@code /metrics}, the goroutine profile and the heap profile (text, as of the last GC)
 * into {@code DIR/<cell>-<phase>-<member>.txt}. No GC is forced, so the run's own figures
 * stay what they would be without the option. Each member's CPU profile over the first
 * {@link #PUTS_CPU} of the recorded puts goes into
 * {@code DIR/<cell>-puts-cpu-<member>.pb.gz} (read it with {@code go tool pprof -top}:
 * Go's profiles carry their symbols).
 */
final class ScaleProfiles {

	/** How long the CPU profile of the recorded puts lasts. */
	static final Duration PUTS_CPU = Duration.ofSeconds(5);

	/** The etcd flag that serves {@code /debug/pprof/} on the client URLs. */
	static final String FLAG = "--enable-pprof";

	private static final List<String> MEMSTATS = List.of("go_memstats_heap_alloc_bytes", "go_memstats_heap_inuse_bytes",
			"go_memstats_heap_idle_bytes", "go_memstats_heap_released_bytes", "go_memstats_heap_sys_bytes",
			"go_memstats_next_gc_bytes", "go_memstats_stack_inuse_bytes", "go_memstats_sys_bytes",
			"go_gc_duration_seconds_count", "go_goroutines");

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final Path dir;

	private final String cell;

	private final boolean gc;

	/**
	 * Profiles of one cell.
	 * @param dir where the files go
	 * @param cell the cell's name, which starts each file's
	 * @param gc whether to also save a heap profile taken after a forced GC, in
	 * {@code <cell>-<phase>-gc-<member>.txt}: the plain one leaves out what was allocated
	 * since the GC before last (Go publishes a cycle's allocations only then), which
	 * matters when a member collects seldom, while the forced GC changes the member's
	 * heap goal, and so the later samples
	 */
	ScaleProfiles(Path dir, String cell, boolean gc) {
		this.dir = dir;
		this.cell = cell;
		this.gc = gc;
	}

	/**
	 * Save every running member's figures and profiles.
	 * @param phase the sample's name
	 * @param etcd the cluster
	 */
	void save(String phase, EtcdCluster etcd) throws IOException {
		Files.createDirectories(this.dir);
		for (EtcdMember member : etcd.members()) {
			if (member.isRunning()) {
				URI endpoint = member.clientEndpoint();
				String text = "# rss " + ScaleUsage.rss(member.pid()) + "\n# hwm "
						+ ScaleUsage.highWaterMark(member.pid()) + "\n" + memstats(endpoint) + "\n"
						+ get(endpoint, "/debug/pprof/goroutine?debug=1") + "\n"
						+ get(endpoint, "/debug/pprof/heap?debug=1");
				Files.writeString(this.dir.resolve(this.cell + "-" + phase + "-" + member.name() + ".txt"), text);
				if (this.gc) {
					Files.writeString(this.dir.resolve(this.cell + "-" + phase + "-gc-" + member.name() + ".txt"),
							"# rss " + ScaleUsage.rss(member.pid()) + "\n"
									+ get(endpoint, "/debug/pprof/heap?debug=1&gc=1"));
				}
			}
		}
	}

	/**
	 * Start a CPU profile of every running member.
	 * @param phase the profile's name
	 * @param etcd the cluster
	 * @param duration how long it lasts
	 * @return completed once every profile is saved
	 */
	CompletableFuture<?> cpu(String phase, EtcdCluster etcd, Duration duration) throws IOException {
		Files.createDirectories(this.dir);
		return CompletableFuture
			.allOf(etcd.members()
				.stream()
				.filter(EtcdMember::isRunning)
				.map((member) -> HTTP.sendAsync(
						HttpRequest
							.newBuilder(member.clientEndpoint()
								.resolve("/debug/pprof/profile?seconds=" + duration.toSeconds()))
							.timeout(duration.plusSeconds(30))
							.build(),
						HttpResponse.BodyHandlers
							.ofFile(this.dir.resolve(this.cell + "-" + phase + "-cpu-" + member.name() + ".pb.gz"))))
				.toArray(CompletableFuture[]::new));
	}

	/**
	 * Sample every member's resident memory and Go memory figures at an interval, to see
	 * what Go's scavenger gives back after the loads, into {@code DIR/<cell>-settle.tsv}.
	 * @param etcd the cluster
	 * @param every the interval
	 * @param total how long
	 */
	void settle(EtcdCluster etcd, Duration every, Duration total) throws IOException, InterruptedException {
		Path file = this.dir.resolve(this.cell + "-settle.tsv");
		Files.writeString(file, "seconds\tmember\trss\thwm\t" + String.join("\t", MEMSTATS) + "\n");
		long start = System.nanoTime();
		for (long elapsed = 0; elapsed <= total.toNanos(); elapsed = System.nanoTime() - start) {
			StringBuilder lines = new StringBuilder();
			for (EtcdMember member : etcd.members()) {
				Map<String, Double> metrics = EtcdMetrics.read(member.clientEndpoint());
				lines.append(elapsed / 1_000_000_000)
					.append('\t')
					.append(member.name())
					.append('\t')
					.append(ScaleUsage.rss(member.pid()))
					.append('\t')
					.append(ScaleUsage.highWaterMark(member.pid()));
				MEMSTATS.forEach((name) -> lines.append('\t').append(metrics.getOrDefault(name, 0.0).longValue()));
				lines.append('\n');
			}
			Files.writeString(file, lines, StandardOpenOption.APPEND);
			ScaleCell.pause(every);
		}
	}

	private static String memstats(URI endpoint) throws IOException {
		Map<String, Double> metrics = EtcdMetrics.read(endpoint);
		return MEMSTATS.stream()
			.map((name) -> name + " " + metrics.getOrDefault(name, 0.0).longValue())
			.collect(Collectors.joining("\n"));
	}

	private static String get(URI endpoint, String path) throws IOException {
		try {
			return HTTP
				.send(HttpRequest.newBuilder(endpoint.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
						HttpResponse.BodyHandlers.ofString())
				.body();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while reading " + path + " of " + endpoint, ex);
		}
	}

}
