package io.github.etcdconfig.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdAuthTest {

	@RegisterExtension
	static final EtcdClusterExtension ETCD = new EtcdClusterExtension(
			EtcdCluster.builder().authTokenTtl(Duration.ofSeconds(60)));

	@BeforeAll
	static void enableAuth() throws Exception {
		EtcdCluster etcd = ETCD.cluster();
		etcd.enableAuth("root-secret");
		try (EtcdKeys root = new EtcdKeys(etcd.newClient())) {
			root.put("/config/app/key", "visible");
			root.put("/secret/key", "hidden");
		}
		etcd.addUser("reader", "reader-secret", "/config/");
	}

	@Test
	void rootClientWorksAndAnonymousIsDenied() throws Exception {
		try (EtcdKeys root = new EtcdKeys(ETCD.cluster().newClient())) {
			assertThat(root.value("/secret/key")).isEqualTo("hidden");
		}
		try (EtcdKeys anonymous = new EtcdKeys(ETCD.cluster().clientBuilder().build())) {
			assertThatThrownBy(() -> anonymous.value("/config/app/key")).hasMessageContaining("user name is empty");
		}
	}

	@Test
	void userReadsOnlyUnderItsPrefix() throws Exception {
		try (EtcdKeys reader = new EtcdKeys(ETCD.cluster().newClient("reader", "reader-secret"))) {
			assertThat(reader.value("/config/app/key")).isEqualTo("visible");
			assertThatThrownBy(() -> reader.value("/secret/key")).hasMessageContaining("permission denied");
			assertThatThrownBy(() -> reader.put("/config/app/key", "changed"))
				.hasMessageContaining("permission denied");
		}
	}

	@Test
	void wrongPasswordIsRejected() {
		try (EtcdKeys wrong = new EtcdKeys(ETCD.cluster().newClient("reader", "not-the-password"))) {
			assertThatThrownBy(() -> wrong.value("/config/app/key")).rootCause()
				.hasMessageContaining("authentication failed");
		}
	}

	@Test
	void revokedUserIsRejected() throws Exception {
		EtcdCluster etcd = ETCD.cluster();
		etcd.addUser("leaver", "leaver-secret", "/config/");
		try (EtcdKeys leaver = new EtcdKeys(etcd.newClient("leaver", "leaver-secret"))) {
			assertThat(leaver.value("/config/app/key")).isEqualTo("visible");
			etcd.revokeUser("leaver");
			// its token died with the user and a new one cannot be had
			assertThatThrownBy(() -> leaver.value("/config/app/key")).hasMessageStartingWith("etcd call failed");
		}
		try (EtcdKeys leaver = new EtcdKeys(etcd.newClient("leaver", "leaver-secret"))) {
			assertThatThrownBy(() -> leaver.value("/config/app/key")).rootCause()
				.hasMessageContaining("authentication failed");
		}
	}

}
