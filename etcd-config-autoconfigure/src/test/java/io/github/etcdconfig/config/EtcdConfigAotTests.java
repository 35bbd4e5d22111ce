package io.github.etcdconfig.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.etcdconfig.client.EtcdProperties;
import io.github.etcdconfig.refresh.EtcdValueUpdater;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.watch.EtcdWatchProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationAotProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.aot.AbstractAotProcessor;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Ahead-of-time processing ({@code spring-boot:process-aot}) of an application with the
 * starter: it never contacts etcd, succeeds whether one answers or not, keeps the
 * live-refresh beans, and leaves the hints a native image needs. Running the processed
 * application is tested in samples/config-manager.
 */
class EtcdConfigAotTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@TempDir
	Path output;

	@AfterEach
	void processingIsOver() {
		// Spring leaves it set when processing fails.
		System.clearProperty(AbstractAotProcessor.AOT_PROCESSING);
	}

	private String process(String endpoints) throws IOException {
		AbstractAotProcessor.Settings settings = AbstractAotProcessor.Settings.builder()
			.sourceOutput(this.output.resolve("sources"))
			.resourceOutput(this.output.resolve("resources"))
			.classOutput(this.output.resolve("classes"))
			.groupId("io.github.etcdconfig")
			.artifactId("aot-test")
			.build();
		new SpringApplicationAotProcessor(AotApplication.class, settings,
				new String[] { "--etcd.endpoints=" + endpoints, "--spring.main.web-application-type=none",
						"--spring.cloud.refresh.enabled=false",
						"--management.endpoints.web.exposure.include=health,etcdconfig" })
			.process();
		try (Stream<Path> files = Files.walk(this.output.resolve("sources"))) {
			return files.filter(Files::isRegularFile).map((file) -> {
				try {
					return Files.readString(file);
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			}).collect(Collectors.joining("\n"));
		}
	}

	@Test
	void processingNeverContactsEtcdAndSucceedsWithoutOne() throws IOException {
		try (ServerSocket etcdThatNeverAnswers = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			String generated = process("http://127.0.0.1:" + etcdThatNeverAnswers.getLocalPort());
			assertThat(generated).contains("etcdConfigWatchers");
			etcdThatNeverAnswers.setSoTimeout(200);
			assertThatExceptionOfType(SocketTimeoutException.class).as("a connection to etcd")
				.isThrownBy(etcdThatNeverAnswers::accept);
		}
	}

	@Test
	void processingSucceedsWhileEtcdAnswersAndDefinesTheStoresOnlyAtRunTime() throws IOException {
		String generated = process(etcd.cluster().endpointsProperty());
		assertThat(generated).contains("etcdConfigWatchers")
			.contains("etcdConfigHealthIndicator")
			.contains("etcdConfigEndpoint")
			.doesNotContain("\"" + EtcdConfigStores.BEAN_NAME + "\"");
	}

	@Test
	void theLoadersSettingsFactoriesAndJetcdInternalsHaveHints() throws ClassNotFoundException {
		RuntimeHints hints = new RuntimeHints();
		SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)
			.forEach((registrar) -> registrar.registerHints(hints, getClass().getClassLoader()));
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(EtcdProperties.class, "setEndpoints"))
			.accepts(hints);
		assertThat(
				RuntimeHintsPredicates.reflection().onMethodInvocation(EtcdWatchProperties.class, "setCoalesceWindow"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of(EtcdKeyMapper.YAML_CLASS)))
			.accepts(hints);
		assertThat(
				RuntimeHintsPredicates.reflection().onFieldAccess("io.etcd.jetcd.impl.ClientImpl", "connectionManager"))
			.as("EtcdConnectivity's way to the gRPC channel")
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(EtcdConfigEnvironmentPostProcessor.class)
			.withMemberCategory(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(EtcdConfigFailureAnalyzer.class)
			.withMemberCategory(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)).accepts(hints);
	}

	@Test
	void theValueUpdaterLeavesHintsForTheValueFieldsAndSettersItUpdates() {
		GenericApplicationContext context = new GenericApplicationContext();
		context.registerBean("etcdValueUpdater", EtcdValueUpdater.class);
		context.registerBean("greeter", Greeter.class);
		DefaultGenerationContext generation = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get("com.example", "Aot")), new InMemoryGeneratedFiles());
		new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
		RuntimeHints hints = generation.getRuntimeHints();
		assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(Greeter.class, "name")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Greeter.class, "setGreeting")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(Greeter.class, "notInjected")).rejects(hints);
	}

	/**
	 * An application to process, with a main method as {@code process-aot} needs.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	public static class AotApplication {

		public static void main(String[] args) {
			SpringApplication.run(AotApplication.class, args);
		}

	}

	static class Greeter {

		@Value("${greeter.name:world}")
		String name;

		String notInjected;

		String greeting;

		@Value("${greeter.greeting:hello}")
		void setGreeting(String greeting) {
			this.greeting = greeting;
		}

	}

}
