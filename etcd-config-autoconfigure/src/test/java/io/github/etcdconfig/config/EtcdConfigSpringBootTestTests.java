package io.github.etcdconfig.config;

import java.time.Duration;

import io.github.etcdconfig.test.TestApplication;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The documented way to test an application against a test etcd with
 * {@code @SpringBootTest}. Configuration is loaded before the application context exists,
 * so {@code @DynamicPropertySource} and connection details come too late: the endpoints
 * go in a system property, set once etcd runs and before Spring loads the context.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext
class EtcdConfigSpringBootTestTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	@Autowired
	Environment environment;

	@BeforeAll
	static void pointConfigurationAtTheTestEtcd() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config/orders/max-items", "10");
		System.setProperty("etcd.endpoints", etcd.cluster().endpointsProperty());
	}

	@AfterAll
	static void forgetTheTestEtcd() {
		System.clearProperty("etcd.endpoints");
		keys.client().close();
	}

	@Test
	void theApplicationStartsWithTheValuesOfTheTestEtcd() {
		assertThat(this.environment.getProperty("orders.max-items")).isEqualTo("10");
	}

	@Test
	void andFollowsWhatTheTestChangesThere() {
		keys.put("/config/orders/discount", "5%");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "5%".equals(this.environment.getProperty("orders.discount")));
	}

}
