package io.github.etcdconfig.console;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.List;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import io.etcd.jetcd.options.OptionsUtil;
import io.github.etcdconfig.console.support.Apps;
import io.github.etcdconfig.console.support.ConsoleHttp;
import io.github.etcdconfig.console.support.Users;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static io.github.etcdconfig.test.EtcdKeys.await;
import static io.github.etcdconfig.test.EtcdKeys.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * etcd unreachable, or refusing the console's etcd user: a page that says so, nothing
 * written, and the etcd password in no page and no log line.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdConsoleFailureTests {

	private static final String ETCD_PASSWORD = "etcd-Pa55-for-the-console";

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys root;

	@BeforeAll
	static void enableAuth() throws Exception {
		try (Client admin = etcd.cluster().newClient()) {
			await(admin.getKVClient().put(bytes("/config-apps/payment/greeting"), bytes("hello")));
			Auth auth = admin.getAuthClient();
			await(auth.roleAdd(bytes("billing-console")));
			await(auth.roleGrantPermission(bytes("billing-console"), bytes("/"), OptionsUtil.prefixEndOf(bytes("/")),
					Permission.Type.READ));
			for (String prefix : List.of("/config-apps/billing/", "/config-releases/config-apps/billing/")) {
				await(auth.roleGrantPermission(bytes("billing-console"), bytes(prefix),
						OptionsUtil.prefixEndOf(bytes(prefix)), Permission.Type.READWRITE));
			}
			await(auth.userAdd(bytes("console"), bytes(ETCD_PASSWORD)));
			await(auth.userGrantRole(bytes("console"), bytes("billing-console")));
		}
		etcd.cluster().enableAuth("root-secret");
		root = new EtcdKeys(etcd.cluster().newClient());
	}

	@AfterAll
	static void close() {
		root.close();
	}

	@Test
	void aReleaseThatEtcdDeniesIsShownAsDeniedAndWritesNothing(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext console = Apps.console(etcd.cluster().endpointsProperty(),
				settings("etcd.username=console", "etcd.password=" + ETCD_PASSWORD))) {
			ConsoleHttp publisher = new ConsoleHttp(Apps.url(console));
			publisher.logIn(Users.PUBLISHER, Users.PUBLISHER_PASSWORD);
			HttpResponse<String> checked = publisher.post("/layer/check", "app=payment&format=yaml&text=greeting%3A+hi",
					"/");
			String id = checked.body().replaceAll("(?s).*action=\"/releases/([^\"/]+)\".*", "$1");
			HttpResponse<String> published = publisher.post("/releases/" + id, "message=denied", "/");

			assertThat(published.statusCode()).isEqualTo(403);
			assertThat(published.body()).contains("etcd denied the request", "PERMISSION_DENIED");
			assertThat(root.value("/config-apps/payment/greeting")).isEqualTo("hello");
			assertThat(publisher.get("/apps/billing").statusCode()).isEqualTo(200);
			assertThat(checked.body() + published.body() + output.getAll()).doesNotContain(ETCD_PASSWORD);
		}
	}

	@Test
	void anUnreachableEtcdIsShownWithItsEndpointAndNoPassword(CapturedOutput output) throws Exception {
		int closed;
		try (ServerSocket socket = new ServerSocket(0)) {
			closed = socket.getLocalPort();
		}
		try (ConfigurableApplicationContext console = Apps.console("http://127.0.0.1:" + closed,
				settings("etcd.username=console", "etcd.password=" + ETCD_PASSWORD, "etcd.request-timeout=1s"))) {
			ConsoleHttp viewer = new ConsoleHttp(Apps.url(console));
			viewer.logIn(Users.VIEWER, Users.VIEWER_PASSWORD);
			HttpResponse<String> page = viewer.get("/");

			assertThat(page.statusCode()).isEqualTo(503);
			assertThat(page.body()).contains("etcd cannot be reached", "http://127.0.0.1:" + closed);
			assertThat(page.body() + output.getAll()).doesNotContain(ETCD_PASSWORD);
		}
	}

	@Test
	void anUnreachableEtcdIsSaidInWordsOnAPageThatKeepsTheUserLoggedIn() throws Exception {
		int closed;
		try (ServerSocket socket = new ServerSocket(0)) {
			closed = socket.getLocalPort();
		}
		try (ConfigurableApplicationContext console = Apps.console("http://127.0.0.1:" + closed,
				settings("etcd.request-timeout=1s"))) {
			ConsoleHttp viewer = new ConsoleHttp(Apps.url(console));
			viewer.logIn(Users.VIEWER, Users.VIEWER_PASSWORD);
			HttpResponse<String> page = viewer.get("/apps/billing");

			assertThat(page.statusCode()).isEqualTo(503);
			assertThat(page.body()).contains(Users.VIEWER, "Log out")
				.contains("etcd at http://127.0.0.1:" + closed + " does not answer (connection refused)")
				.doesNotContain("io exception")
				.doesNotContain("[http://");
		}
	}

	private static String[] settings(String... more) {
		List<String> all = new java.util.ArrayList<>(List.of(Users.settings()));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

}
