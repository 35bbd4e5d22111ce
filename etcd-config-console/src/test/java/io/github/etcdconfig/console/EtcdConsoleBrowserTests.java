package io.github.etcdconfig.console;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.github.etcdconfig.console.support.Apps;
import io.github.etcdconfig.console.support.Browser;
import io.github.etcdconfig.console.support.Users;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console as people use it, in headless Chromium: against a real etcd, with two
 * running instances of the sample application. One browser session serves every test, in
 * order. The details of releases are the release API's own tests; these check what a
 * person sees and may do.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdConsoleBrowserTests {

	private static final String SECRET = "Sup3r-s3cret-db-pa55";

	private static final Duration ROLLOUT = Duration.ofSeconds(30);

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	static ConfigurableApplicationContext greeter1;

	static ConfigurableApplicationContext greeter2;

	static ConfigurableApplicationContext console;

	static Browser browser;

	@BeforeAll
	static void start() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put("/config/database/host", "postgres");
		keys.put("/config-apps/greeter/greeting", "hello");
		keys.put("/config-apps/greeter/database/host", "greeter-db");
		keys.put("/config-apps/greeter/database/password", SECRET);
		keys.put("/config-apps/greeter/profiles/canary/feature/new-checkout", "true");
		String endpoints = etcd.cluster().endpointsProperty();
		Browser.assumeInstalled();
		// Chromium starts while the applications do (Spring applications start one at a
		// time: logging is global).
		CompletableFuture<Browser> chromium = CompletableFuture.supplyAsync(Browser::start);
		greeter1 = Apps.greeter(endpoints, 9701);
		// The second instance runs the profile of the gray release, and says so in its
		// registration.
		greeter2 = Apps.greeter(endpoints, 9702, "spring.profiles.active=beta",
				"etcd.discovery.metadata.profiles=beta");
		console = Apps.console(endpoints, Users.settings());
		browser = chromium.join().at(Apps.url(console));
	}

	@AfterAll
	static void stop() {
		Apps.close(browser, console, greeter1, greeter2, keys);
	}

	@Test
	@Order(1)
	void aViewerLogsInAndSeesTheApplicationWithItsInstancesAndEffectiveProperties() {
		browser.logIn(Users.VIEWER, Users.VIEWER_PASSWORD);
		browser.awaitText("Applications", Duration.ofSeconds(10));
		assertThat(browser.text("#applications")).contains("greeter", "/config-apps/greeter/",
				"/config-apps/greeter/profiles/canary/");
		look("applications");

		browser.clickThrough("#applications a.app", "#properties");
		assertThat(browser.text("#application")).isEqualTo("greeter");
		assertThat(browser.text("#properties")).contains("greeting hello /config-apps/greeter/",
				"database.password ******", "database.host greeter-db /config-apps/greeter/ overrides /config/");
		look("application");
	}

	@Test
	@Order(2)
	void aViewerHasNoButtonToPublishAndAForgedPostIsRefused() {
		browser.open("/layer?app=greeter");
		assertThat(browser.has("#check")).isFalse();
		assertThat(browser.has("#publish")).isFalse();
		look(null);

		// The logout form's CSRF token is valid: the request is refused for the role, not
		// the token.
		Object status = browser.post("/layer/check", "app=greeter&format=yaml&text=greeting%3A+hacked");
		assertThat(status).isEqualTo(403L);
		assertThat(browser.post("/gray/promote", "app=greeter&profile=canary")).isEqualTo(403L);
		assertThat(keys.value("/config-apps/greeter/greeting")).isEqualTo("hello");
		assertThat(keys.value("/config-apps/greeter/feature/new-checkout")).isNull();
	}

	@Test
	@Order(3)
	void aPublisherEditsSeesTheDifferenceAndPublishesAndTheRolloutReachesBothInstances() {
		browser.logIn(Users.PUBLISHER, Users.PUBLISHER_PASSWORD);
		browser.open("/layer?app=greeter");
		String text = browser.find("#text").getAttribute("value");
		assertThat(text).contains("greeting: hello", "database.password: '******'");
		browser.replaceText("#text", text.replace("greeting: hello", "greeting: hi"));
		browser.clickThrough("#check", "#diff");

		assertThat(browser.text("#diff")).contains("greeting", "hello", "hi").doesNotContain("database.password");
		browser.type("input[name=message]", "a shorter greeting");
		look("edit");
		browser.clickThrough("#publish", "#instances");
		browser.awaitText("2 of 2 instance(s) have applied revision", ROLLOUT);
		browser.awaitText("complete", ROLLOUT);
		look("rollout");
		assertThat(Apps.greeting(greeter1)).isEqualTo("hi");
		assertThat(Apps.greeting(greeter2)).isEqualTo("hi");
		// The masked value was kept, never sent to the browser and back.
		assertThat(keys.value("/config-apps/greeter/database/password")).isEqualTo(SECRET);
	}

	@Test
	@Order(4)
	void aPublisherRollsBackAfterAConfirmationAndTheReleaseNamesTheAuthor() {
		browser.open("/layer/history?app=greeter&property=greeting");
		assertThat(browser.text("#release-1")).contains("by " + Users.PUBLISHER, "a shorter greeting");
		assertThat(browser.text("#property-history")).contains("hello hi");
		look("history");

		browser.clickThrough("form.rollback button", "#diff");
		assertThat(browser.text("#diff")).contains("greeting", "hi", "hello");
		assertThat(keys.value("/config-apps/greeter/greeting")).isEqualTo("hi");
		browser.clickThrough("#publish", "#instances");

		browser.awaitText("complete", ROLLOUT);
		await().atMost(ROLLOUT)
			.until(() -> "hello".equals(Apps.greeting(greeter1)) && "hello".equals(Apps.greeting(greeter2)));
	}

	@Test
	@Order(5)
	void aConflictWithAConcurrentChangeIsShownWithTheOtherChangeAndNothingIsWritten() {
		browser.open("/layer?app=greeter");
		String text = browser.find("#text").getAttribute("value");
		browser.replaceText("#text", text.replace("greeting: hello", "greeting: bonjour"));
		browser.clickThrough("#check", "#diff");
		keys.put("/config-apps/greeter/greeting", "hallo");
		browser.clickThrough("#publish", "#conflict");

		assertThat(browser.text("#conflict")).contains("nothing was written");
		assertThat(browser.text()).contains("Written outside a release", "greeting", "hallo");
		look("conflict");
		assertThat(keys.value("/config-apps/greeter/greeting")).isEqualTo("hallo");
	}

	@Test
	@Order(6)
	void aGrayReleaseReachesOnlyItsProfileUntilItIsPromotedAndAnotherIsAbandoned() {
		browser.open("/apps/greeter");
		browser.type("form.gray input[name=profile]", "beta");
		browser.clickThrough("form.gray button", "#text");
		browser.replaceText("#text", "greeting: hola\n");
		browser.clickThrough("#check", "#diff");
		browser.clickThrough("#publish", "#instances");

		browser.awaitText("Gray release to profile beta", ROLLOUT);
		browser.awaitText("1 of 1 instance(s) of profile beta have it", ROLLOUT);
		browser.awaitText("complete", ROLLOUT);
		look("gray");
		await().atMost(ROLLOUT).until(() -> "hola".equals(Apps.greeting(greeter2)));
		assertThat(Apps.greeting(greeter1)).isEqualTo("hallo");
		browser.clickThrough("section.gray button.primary", "#diff");
		assertThat(browser.text("#diff")).contains("/config-apps/greeter/", "hallo", "hola",
				"/config-apps/greeter/profiles/beta/");
		browser.clickThrough("#publish", "#instances");
		await().atMost(ROLLOUT).until(() -> "hola".equals(Apps.greeting(greeter1)));
		assertThat(Apps.greeting(greeter2)).isEqualTo("hola");

		browser.open("/apps/greeter");
		browser.clickThrough("form[action='/gray/abandon']:has(input[value='canary']) button", "#diff");
		assertThat(browser.text("#diff")).contains("feature.new-checkout");
		browser.clickThrough("#publish", "#instances");
		browser.awaitText("complete", ROLLOUT);
		assertThat(keys.value("/config-apps/greeter/profiles/canary/feature/new-checkout")).isNull();
	}

	@Test
	@Order(7)
	void anInstanceThatLagsBehindAReleaseIsMarkedAsAStraggler() {
		// An instance stuck at revision 1, as a hung process stays registered until its
		// lease expires.
		keys.put("/services/greeter/greeter-stuck", "{\"instanceId\":\"greeter-stuck\",\"serviceId\":\"greeter\","
				+ "\"host\":\"127.0.0.1\",\"port\":9799,\"uri\":\"http://127.0.0.1:9799\",\"status\":\"healthy\","
				+ "\"metadata\":{},\"config\":{\"revision\":1,\"stale\":false,\"state\":\"WATCHING\"}}");
		try {
			browser.open("/rollout?app=greeter");
			browser.awaitText("1 straggler(s)", ROLLOUT);
			assertThat(browser.text("tr.straggler")).contains("greeter/greeter-stuck", "straggler");
			assertThat(browser.text("#rollout-summary")).contains("2 of 3");
		}
		finally {
			keys.delete("/services/greeter/greeter-stuck");
		}
	}

	@Test
	@Order(8)
	void aReleaseTheInstancesRejectShowsTheirVerdictsWithoutAPublishButtonAndTheRolloutCountsARejection() {
		browser.open("/layer?app=greeter");
		String text = browser.find("#text").getAttribute("value");
		browser.replaceText("#text", text.strip() + "\ngreeter.repeat: many\n");
		browser.clickThrough("#check", "#verdicts");

		assertThat(browser.text("#rejected")).contains("Rejected by 2 instance(s)", "cannot be published");
		assertThat(browser.text("#verdicts")).contains("greeter/greeter-127.0.0.1-9701",
				"greeter/greeter-127.0.0.1-9702", "rejected", "greeter.repeat");
		assertThat(browser.has("#publish")).isFalse();
		look("rejected");
		assertThat(keys.value("/config-apps/greeter/greeter/repeat")).isNull();
		assertThat(keys.values("/config-proposals/")).isEmpty();

		// Written past the console, as etcdctl would: the instances refuse it, and the
		// rollout page marks and counts them.
		long revision = keys.put("/config-apps/greeter/greeter/repeat", "many");
		try {
			browser.open("/rollout?app=greeter&revision=" + revision);
			browser.awaitText("2 rejected it", ROLLOUT);
			assertThat(browser.text("tr.rejected")).contains("rejected", "greeter.repeat");
			look("rollout-rejected");
		}
		finally {
			long fixed = keys.delete("/config-apps/greeter/greeter/repeat");
			await().atMost(ROLLOUT).until(() -> Apps.revision(greeter1) >= fixed && Apps.revision(greeter2) >= fixed);
		}
	}

	@Test
	@Order(9)
	void aMaskedValueNeverAppearsInThePageSource() {
		for (String page : new String[] { "/", "/apps/greeter", "/layer?app=greeter&format=properties",
				"/layer/history?app=greeter&property=database.password", "/rollout?app=greeter" }) {
			browser.open(page);
			look(null);
		}
	}

	@Test
	@Order(9)
	void checkedTextIsLockedSoThatWhatIsPublishedIsWhatWasChecked() {
		browser.open("/layer?app=greeter");
		String text = browser.find("#text").getAttribute("value");
		browser.replaceText("#text", text.replaceAll("greeting: .*", "greeting: checked"));
		browser.clickThrough("#check", "#diff");

		assertThat(browser.find("#text").getAttribute("readonly")).isNotNull();
		assertThat(browser.has("#check")).isFalse();
		browser.clickThrough("#edit-again", "#check");
		assertThat(browser.find("#text").getAttribute("readonly")).isNull();
		assertThat(browser.find("#text").getAttribute("value")).contains("greeting: checked");
		assertThat(browser.has("#publish")).isFalse();
	}

	@Test
	@Order(10)
	void thePropertiesTableFitsA1280PixelWindowWithItsRevisionColumn() {
		// Long names and values with no place to break a line, as URLs and tokens are.
		keys.put("/config-apps/greeter/profiles/beta/integration/paymentprovider/callbackendpointpath",
				"https://payments.example.com/api/v2/integrations/paymentprovider/callbacks/settlementnotifications");
		keys.put("/config/integration/paymentprovider/callbackendpointpath", "/shared/callbacks");
		browser.open("/apps/greeter?profile=beta");
		browser.awaitText("callbackendpointpath", Duration.ofSeconds(10));

		Object fits = browser.script("const table = document.querySelector('#properties');"
				+ "const revision = table.querySelector('thead th:last-child').getBoundingClientRect();"
				+ "return revision.right <= document.documentElement.clientWidth "
				+ "&& table.getBoundingClientRect().right <= table.parentElement.getBoundingClientRect().right;");
		assertThat(fits).isEqualTo(true);
		look(null);
	}

	/**
	 * Check that the page shows no secret, and take its picture for the README when
	 * asked.
	 */
	private static void look(String screenshot) {
		assertThat(browser.source()).doesNotContain(SECRET);
		if (screenshot != null) {
			browser.screenshot(screenshot);
		}
	}

}
