package io.github.etcdconfig.config;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A bad key never crashes start-up and nothing half-parsed is used.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdConfigBadInputTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@AutoClose
	EtcdKeys keys;

	@BeforeEach
	void connect() {
		this.keys = new EtcdKeys(etcd.cluster().newClient());
		this.keys.deletePrefix("/config/");
		this.keys.put("/config/good", "yes");
	}

	@Test
	void aKeyWithoutAValidNameIsSkippedWithAWarningNamingIt(CapturedOutput output) {
		this.keys.put("/config/a//b", "x");
		this.keys.put("/config/trailing/", "x");
		this.keys.put("/config/with space", "x");
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster())) {
			assertThat(context.getEnvironment().getProperty("good")).isEqualTo("yes");
		}
		assertThat(output).contains("WARN")
			.contains("/config/a//b")
			.contains("/config/trailing/")
			.contains("/config/with space");
	}

	@Test
	void aValueThatIsNotUtf8IsSkippedWithAWarningNamingTheKey(CapturedOutput output) {
		this.keys.put("/config/binary", new byte[] { (byte) 0xC3, (byte) 0x28, 'x' });
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster())) {
			assertThat(context.getEnvironment().getProperty("binary")).isNull();
			assertThat(context.getEnvironment().getProperty("good")).isEqualTo("yes");
		}
		assertThat(output).contains("etcd key /config/binary: the value is not UTF-8; skipped");
	}

	@Test
	void aBrokenDocumentFailsStartUpNamingTheKeyButNotItsContent() {
		this.keys.put("/config/application.yml", "database:\n  password: hunter2-secret\n bad: [unclosed\n");
		assertThatExceptionOfType(EtcdConfigLoadException.class).isThrownBy(() -> Apps.run(etcd.cluster()))
			.withMessageContaining("/config/application.yml")
			.withMessageContaining("does not parse")
			.withMessageNotContaining("hunter2-secret");
	}

	@Test
	void aBrokenDocumentIsSkippedWithAnErrorWhenEtcdIsOptional(CapturedOutput output) {
		this.keys.put("/config/application.yml", "database:\n  password: hunter2-secret\n bad: [unclosed\n");
		try (ConfigurableApplicationContext context = Apps.run(etcd.cluster(), "etcd.config.fail-fast=false")) {
			assertThat(context.getEnvironment().getProperty("good")).isEqualTo("yes");
			assertThat(context.getEnvironment().getProperty("database.password")).isNull();
		}
		assertThat(output).contains("ERROR").contains("/config/application.yml").doesNotContain("hunter2-secret");
	}

}
