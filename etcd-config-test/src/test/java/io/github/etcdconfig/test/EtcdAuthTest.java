package io.github.etcdconfig.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdAuthTest {

	@RegisterExtension
	static final EtcdClusterExtension ETCD =
			new EtcdClusterExtension(EtcdCluster.builder().authTokenTtl(Duration.ofSeconds(60)));

	@BeforeAll
	static void enableAuth() throws Exception {
		EtcdCluster etcd = ETCD.cluster();
		etcd.enableAuth("root-secret");
		try (Client root = etcd.newClient()) {
			Kv.put(root, "/config/app/key", "visible");
			Kv.put(root, "/secret/key", "hidden");
		}
		etcd.addUser("reader", "reader-secret", "/config/");
	}

	@Test
	void rootClientWorksAndAnonymousIsDenied() throws Exception {
		try (Client root = ETCD.cluster().newClient()) {
			assertThat(Kv.get(root, "/secret/key")).isEqualTo("hidden");
		}
		try (Client anonymous = ETCD.cluster().clientBuilder().build()) {
			assertThatThrownBy(() -> Kv.get(anonymous, "/config/app/key"))
					.hasMessageContaining("user name is empty");
		}
	}

	@Test
	void userReadsOnlyUnderItsPrefix() throws Exception {
		try (Client reader = ETCD.cluster().newClient("reader", "reader-secret")) {
			assertThat(Kv.get(reader, "/config/app/key")).isEqualTo("visible");
			assertThatThrownBy(() -> Kv.get(reader, "/secret/key")).hasMessageContaining("permission denied");
			assertThatThrownBy(() -> Kv.put(reader, "/config/app/key", "changed"))
					.hasMessageContaining("permission denied");
		}
	}

	@Test
	void wrongPasswordIsRejected() {
		try (Client wrong = ETCD.cluster().newClient("reader", "not-the-password")) {
			assertThatThrownBy(() -> Kv.get(wrong, "/config/app/key"))
					.rootCause().hasMessageContaining("authentication failed");
		}
	}

	@Test
	void revokedUserIsRejected() throws Exception {
		EtcdCluster etcd = ETCD.cluster();
		etcd.addUser("leaver", "leaver-secret", "/config/");
		try (Client leaver = etcd.newClient("leaver", "leaver-secret")) {
			assertThat(Kv.get(leaver, "/config/app/key")).isEqualTo("visible");
			etcd.revokeUser("leaver");
			// its token died with the user and a new one cannot be had
			assertThatThrownBy(() -> Kv.get(leaver, "/config/app/key")).isInstanceOf(ExecutionException.class);
		}
		try (Client leaver = etcd.newClient("leaver", "leaver-secret")) {
			assertThatThrownBy(() -> Kv.get(leaver, "/config/app/key"))
					.rootCause().hasMessageContaining("authentication failed");
		}
	}
}
