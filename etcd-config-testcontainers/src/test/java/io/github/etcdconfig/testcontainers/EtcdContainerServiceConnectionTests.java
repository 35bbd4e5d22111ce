package io.github.etcdconfig.testcontainers;

import java.util.List;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.client.EtcdConnectionDetails;
import io.github.etcdconfig.test.EtcdContainer;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @ServiceConnection} on an {@link EtcdContainer} wires the application's
 * {@link Client} bean; the system property set in {@code @BeforeAll} points the
 * configuration loader at the same container. Needs Docker: skipped, with the reason,
 * where there is none.
 */
@SpringBootTest(classes = EtcdContainerServiceConnectionTests.TestApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Testcontainers(disabledWithoutDocker = true)
@DirtiesContext
class EtcdContainerServiceConnectionTests {

	@Container
	@ServiceConnection
	static EtcdContainer etcd = new EtcdContainer();

	@Autowired
	EtcdConnectionDetails connectionDetails;

	@Autowired
	Client client;

	@Autowired
	Environment environment;

	@BeforeAll
	static void pointConfigurationAtTheContainer() throws Exception {
		try (EtcdKeys writer = new EtcdKeys(Client.builder().endpoints(etcd.clientEndpoint()).build())) {
			writer.put("/config/orders/max-items", "10");
		}
		System.setProperty("etcd.endpoints", etcd.clientEndpoint().toString());
	}

	@AfterAll
	static void forgetTheContainer() {
		System.clearProperty("etcd.endpoints");
	}

	@Test
	void theConnectionDetailsPointAtTheContainer() {
		assertThat(this.connectionDetails.getEndpoints()).isEqualTo(List.of(etcd.clientEndpoint()));
	}

	@Test
	void theClientBeanReadsTheContainer() throws Exception {
		assertThat(new EtcdKeys(this.client).value("/config/orders/max-items")).isEqualTo("10");
	}

	@Test
	void configurationIsLoadedFromTheContainer() {
		assertThat(this.environment.getProperty("orders.max-items")).isEqualTo("10");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
