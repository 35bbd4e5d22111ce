package io.github.etcdconfig.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.etcdconfig.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar, run with {@code java -jar} as {@code scripts/etcd-config} runs it,
 * and nothing but etcdctl's environment variables.
 */
class EtcdConfigCliJarIT {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@TempDir
	Path dir;

	@Test
	void theJarPushesWithEtcdctlsEnvironmentAndPrintsOnlyItsResult() throws Exception {
		Path file = Files.writeString(this.dir.resolve("packaged.yml"), "greeting: hello\n");
		List<String> command = new ArrayList<>(
				List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
						"-jar", System.getProperty("cli.jar"), "push", file.toString(), "--app", "packaged", "--yes",
						"--message", "from the jar"));
		URI endpoint = etcd.cluster().clientEndpoints().get(0);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		// etcdctl's form, host:port without a scheme.
		builder.environment().put("ETCDCTL_ENDPOINTS", endpoint.getHost() + ":" + endpoint.getPort());
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();

		assertThat(process.exitValue()).as(output).isZero();
		// No log lines from jetcd, gRPC or SLF4J: the command's output only.
		assertThat(output).isEqualTo("""
				/config-apps/packaged/ (application packaged), read at revision 1:
				  + greeting = hello
				  1 added, 0 changed, 0 removed; the layer holds 0 key(s), then 1
				Nothing was verified: no instance is registered.
				Published release 1 of /config-apps/packaged/ at revision 2.
				""");
	}

}
