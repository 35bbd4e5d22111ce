package io.github.etcdconfig.cli;

import java.io.IOException;
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
 * The packaged jar, run with {@code java -jar} and nothing but etcdctl's environment variables.
 */
class EtcdConfigCliJarIT {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@TempDir
	Path dir;

	@Test
	void theJarPushesWithEtcdctlsEnvironmentAndFindsNoDifferenceAfterwards() throws Exception {
		Path file = Files.writeString(this.dir.resolve("packaged.yml"), "greeting: hello\n");
		Run push = run("push", file.toString(), "--app", "packaged", "--yes", "--message", "from the jar");
		assertThat(push.exitCode()).as(push.output()).isZero();
		assertThat(push.output()).contains("+ greeting = hello").contains("Published release 1 of /config-apps/packaged/");

		Run diff = run("diff", file.toString(), "--app", "packaged");
		assertThat(diff.exitCode()).as(diff.output()).isZero();
	}

	private Run run(String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
			.toString(), "-jar", System.getProperty("cli.jar")));
		command.addAll(List.of(args));
		URI endpoint = etcd.cluster().clientEndpoints().get(0);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		// etcdctl's form, host:port without a scheme; a generous deadline for a cold JVM on a busy machine.
		builder.environment().put("ETCDCTL_ENDPOINTS", endpoint.getHost() + ":" + endpoint.getPort());
		builder.environment().put("ETCDCTL_COMMAND_TIMEOUT", "30s");
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
		return new Run(process.exitValue(), output);
	}

	private record Run(int exitCode, String output) {
	}

}
