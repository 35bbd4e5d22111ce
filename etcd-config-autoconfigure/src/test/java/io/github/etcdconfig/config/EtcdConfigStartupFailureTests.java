package io.github.etcdconfig.config;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import io.github.etcdconfig.test.Apps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * etcd unreachable at start-up: never hang; fail fast with a message that says what to
 * do, or start without etcd when it is optional.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdConfigStartupFailureTests {

	static String unreachable;

	@BeforeAll
	static void freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			unreachable = "http://127.0.0.1:" + socket.getLocalPort();
		}
	}

	@Test
	void startUpFailsWithAnAnalysisNamingEndpointsPrefixCauseAndHowToMakeEtcdOptional() {
		EtcdConfigLoadException failure = catchThrowableOfType(EtcdConfigLoadException.class,
				() -> Apps.builder(new Class<?>[0], "etcd.endpoints=" + unreachable).run());
		FailureAnalysis analysis = new EtcdConfigFailureAnalyzer().analyze(failure);
		assertThat(analysis.getDescription()).contains(unreachable).contains("/config/").contains("Cause:");
		assertThat(analysis.getAction()).contains("optional:etcd:").contains("etcd.config.fail-fast=false");
	}

	@Test
	void theDefaultRetriesGiveUpInAboutFifteenSeconds() {
		long start = System.nanoTime();
		assertThatExceptionOfType(EtcdConfigLoadException.class).isThrownBy(
				() -> Apps
					.builder(new Class<?>[0], "etcd.endpoints=" + unreachable, "etcd.config.retry.max-retries=6",
							"etcd.config.retry.delay=500ms", "etcd.request-timeout=5s")
					.run());
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		assertThat(elapsed).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(25));
	}

	@Test
	void withFailFastOffTheApplicationStartsWithAWarningAndNoEtcdValues(CapturedOutput output) {
		try (ConfigurableApplicationContext context = Apps
			.builder(new Class<?>[0], "etcd.endpoints=" + unreachable, "etcd.config.fail-fast=false")
			.run()) {
			assertThat(context.getEnvironment().getProperty("database.host")).isNull();
		}
		assertThat(output).contains("WARN").contains("Starting without configuration from etcd [" + unreachable);
	}

	@Test
	void anOptionalImportStartsWithAWarningAndNoEtcdValues(CapturedOutput output) {
		try (ConfigurableApplicationContext context = Apps
			.builder(new Class<?>[0], "spring.config.import=optional:etcd:" + unreachable)
			.run()) {
			assertThat(context.getEnvironment().getProperty("database.host")).isNull();
		}
		assertThat(output).contains("WARN").contains("(optional)");
	}

	@Test
	void aMalformedEndpointIsRejectedNamingTheSetting() {
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> Apps.builder(new Class<?>[0], "etcd.endpoints=localhost-without-scheme").run())
			.withMessageContaining("etcd.endpoints[0]");
	}

	@Test
	void credentialsInAnEndpointUrlNeverAppearInTheFailure() {
		String withCredentials = unreachable.replace("http://", "http://admin:s3cr3t@");
		EtcdConfigLoadException failure = catchThrowableOfType(EtcdConfigLoadException.class,
				() -> Apps.builder(new Class<?>[0], "etcd.endpoints=" + withCredentials).run());
		FailureAnalysis analysis = new EtcdConfigFailureAnalyzer().analyze(failure);
		assertThat(failure.getMessage()).doesNotContain("s3cr3t");
		assertThat(analysis.getDescription()).doesNotContain("s3cr3t");
	}

}
