package io.github.etcdconfig.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.abortedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

class EtcdClusterExtensionTest {

	@RegisterExtension
	static final EtcdClusterExtension ETCD = new EtcdClusterExtension();

	@Test
	void clusterRunsDuringTheTests() throws Exception {
		assertThat(ETCD.cluster().members()).singleElement().matches(EtcdMember::isRunning);
		try (EtcdKeys keys = new EtcdKeys(ETCD.cluster().newClient())) {
			keys.put("/config/extension", "on");
		}
	}

	@Nested
	class NestedTests {

		@Test
		void nestedClassesShareTheCluster() throws Exception {
			try (EtcdKeys keys = new EtcdKeys(ETCD.cluster().newClient())) {
				assertThat(keys.value("/config/extension")).isEqualTo("on");
			}
		}

	}

	@Test
	void testsAreAbortedWhenEtcdCannotRun() {
		String previous = System.getProperty(EtcdBinary.PROPERTY);
		System.setProperty(EtcdBinary.PROPERTY, "/nonexistent/etcd");
		try {
			EngineTestKit.engine("junit-jupiter")
				.selectors(selectClass(NeedsThreeMembers.class))
				.execute()
				.containerEvents()
				.assertThatEvents()
				.haveExactly(1,
						event(container(NeedsThreeMembers.class),
								abortedWithReason(
										message(text -> text.contains("No usable etcd binary at /nonexistent/etcd")
												&& text.contains("ETCD_BIN")))));
		}
		finally {
			if (previous == null) {
				System.clearProperty(EtcdBinary.PROPERTY);
			}
			else {
				System.setProperty(EtcdBinary.PROPERTY, previous);
			}
		}
	}

	/**
	 * Runs only through the engine test kit above, which points etcd.bin to a missing
	 * file.
	 */
	@EnabledIfSystemProperty(named = EtcdBinary.PROPERTY, matches = "/nonexistent/etcd")
	static class NeedsThreeMembers {

		@RegisterExtension
		static final EtcdClusterExtension ETCD = new EtcdClusterExtension(EtcdCluster.builder().members(3));

		@Test
		void neverRuns() {
			throw new AssertionError("the extension should have aborted this class");
		}

	}

}
