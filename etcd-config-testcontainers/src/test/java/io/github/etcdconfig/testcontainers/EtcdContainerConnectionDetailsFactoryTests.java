package io.github.etcdconfig.testcontainers;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactory;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The factory is where Spring Boot looks for connection details factories. Runs without
 * Docker.
 */
class EtcdContainerConnectionDetailsFactoryTests {

	@Test
	void isRegisteredForSpringBootServiceConnections() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation(getClass().getClassLoader())
			.load(ConnectionDetailsFactory.class)).anyMatch(EtcdContainerConnectionDetailsFactory.class::isInstance);
	}

}
