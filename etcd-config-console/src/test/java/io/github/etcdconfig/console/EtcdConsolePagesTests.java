package io.github.etcdconfig.console;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import io.github.etcdconfig.console.support.Apps;
import io.github.etcdconfig.console.support.ConsoleHttp;
import io.github.etcdconfig.console.support.Users;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.util.HtmlUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the console's pages answer over plain HTTP, against a real etcd: an edit that
 * changes only what was edited, the status of a conflict, links only to what exists, and
 * a gray release's rollout counted on its profile.
 */
class EtcdConsolePagesTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	static ConfigurableApplicationContext console;

	static ConsoleHttp publisher;

	@BeforeAll
	static void start() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		console = Apps.console(etcd.cluster().endpointsProperty(), Users.settings());
		publisher = new ConsoleHttp(Apps.url(console));
		publisher.logIn(Users.PUBLISHER, Users.PUBLISHER_PASSWORD);
	}

	@AfterAll
	static void stop() {
		console.close();
		keys.close();
	}

	@Test
	void anEditOfOnePropertyLeavesADocumentKeyOfTheLayerAsADocument() {
		keys.put("/config-apps/billing/greeting", "hello");
		keys.put("/config-apps/billing/secrets.yml", "database:\n  password: s3cret\n  user: billing\n");
		String text = textOf(publisher.get("/layer?app=billing").body());
		assertThat(text).contains("greeting: hello", "database.password: '******'");

		HttpResponse<String> checked = check("billing", text.replace("greeting: hello", "greeting: hi"));
		assertThat(checked.body()).containsPattern("0</span> added, <span>1</span> changed,\\s*<span>0</span> removed")
			.doesNotContain("/config-apps/billing/database/password");
		publisher.post("/releases/" + pendingId(checked), "message=greeting", "/");

		assertThat(keys.value("/config-apps/billing/greeting")).isEqualTo("hi");
		assertThat(keys.value("/config-apps/billing/secrets.yml"))
			.isEqualTo("database:\n  password: s3cret\n  user: billing\n");
		assertThat(keys.value("/config-apps/billing/database/password")).isNull();
	}

	@Test
	void aConflictAndAReleaseNoLongerPendingAnswer409AndWriteNothing() {
		keys.put("/config-apps/contested/greeting", "hello");
		HttpResponse<String> checked = check("contested", "greeting: bonjour\n");
		keys.put("/config-apps/contested/greeting", "hallo");

		HttpResponse<String> conflict = publisher.post("/releases/" + pendingId(checked), "message=mine", "/");
		assertThat(conflict.statusCode()).isEqualTo(409);
		assertThat(conflict.body()).contains("nothing was written");
		HttpResponse<String> stale = publisher.post("/releases/no-such-release", "message=mine", "/");
		assertThat(stale.statusCode()).isEqualTo(409);
		assertThat(stale.body()).contains("no longer waiting to be published");
		assertThat(keys.value("/config-apps/contested/greeting")).isEqualTo("hallo");
	}

	@Test
	void anApplicationWithoutAReleaseHasNoLinkToTheRolloutOfItsNewestRelease() {
		keys.put("/config-apps/unreleased/greeting", "hello");
		assertThat(publisher.get("/apps/unreleased").body()).doesNotContain("Rollout of the newest release");

		publisher.post("/releases/" + pendingId(check("unreleased", "greeting: hi\n")), "message=first", "/");
		assertThat(publisher.get("/apps/unreleased").body()).contains("Rollout of the newest release");
	}

	@Test
	void theRolloutOfAGrayReleaseCountsTheInstancesOfItsProfileOnly() {
		long revision = keys.put("/config-apps/grey/profiles/canary/greeting", "hola");
		instance("grey-1", revision, "");
		instance("grey-2", revision, "");
		instance("grey-3", revision, "\"profiles\":\"canary\"");

		String gray = publisher.get("/rollout/instances?app=grey&profile=canary&revision=" + revision)
			.body()
			.replaceAll("\\s+", " ");
		assertThat(gray).contains("1 of 1</strong> <span>instance(s) of profile canary</span> have applied revision")
			.contains("2 other instance(s) do not run profile canary")
			.doesNotContain("3 of 3");
		String all = publisher.get("/rollout/instances?app=grey&revision=" + revision).body().replaceAll("\\s+", " ");
		assertThat(all).contains("3 of 3</strong> <span>instance(s)</span> have applied revision");
	}

	private static void instance(String id, long revision, String metadata) {
		keys.put("/services/grey/" + id,
				"{\"instanceId\":\"" + id + "\",\"serviceId\":\"grey\",\"host\":\"127.0.0.1\",\"port\":9799,"
						+ "\"uri\":\"http://127.0.0.1:9799\",\"status\":\"healthy\",\"metadata\":{" + metadata
						+ "},\"config\":{\"revision\":" + revision + ",\"stale\":false,\"state\":\"WATCHING\"}}");
	}

	private static HttpResponse<String> check(String application, String text) {
		return publisher.post("/layer/check",
				"app=" + application + "&format=yaml&text=" + URLEncoder.encode(text, StandardCharsets.UTF_8), "/");
	}

	private static String pendingId(HttpResponse<String> page) {
		return page.body().replaceAll("(?s).*action=\"/releases/([^\"/]+)\".*", "$1");
	}

	private static String textOf(String page) {
		return HtmlUtils.htmlUnescape(page.replaceAll("(?s).*<textarea[^>]*>(.*?)</textarea>.*", "$1"));
	}

}
