package io.github.etcdconfig.console;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.etcdconfig.config.EtcdRolloutSelector;
import io.github.etcdconfig.console.support.Apps;
import io.github.etcdconfig.console.support.Browser;
import io.github.etcdconfig.console.support.Users;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.StandIns;
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
 * Staged rollouts in the console, in headless Chromium, against a real etcd: a publisher
 * publishes a change as a staged rollout from its difference, and the rollout page
 * follows it, driven by the console in the background. Three stand-in instances of the
 * application take the values as their selector says ({@link StandIns}). One browser
 * session serves every test, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdStagedRolloutBrowserTests {

	private static final String APP = "shop";

	private static final String LAYER = "/config-apps/shop/";

	private static final Duration ROLLOUT = Duration.ofSeconds(30);

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	static StandIns instances;

	static ConfigurableApplicationContext console;

	static Browser browser;

	@BeforeAll
	static void start() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		keys.put(LAYER + "greeting", "hello");
		keys.put(LAYER + "limits/rate", "100");
		Browser.assumeInstalled();
		CompletableFuture<Browser> chromium = CompletableFuture.supplyAsync(Browser::start);
		instances = new StandIns(keys, APP, List.of("shop-1", "shop-2", "shop-3"), (json, id, metadata) -> {
			EtcdRolloutSelector selector = EtcdRolloutSelector.parse(json);
			return selector.matches(id, metadata) ? selector.id() : null;
		});
		console = Apps.console(etcd.cluster().endpointsProperty(), Users.settings());
		browser = chromium.join().at(Apps.url(console));
	}

	@AfterAll
	static void stop() {
		Apps.close(browser, console, instances, keys);
	}

	@Test
	@Order(1)
	void aRolloutWhoseSubsetRejectsTheValuesRollsItselfBackAndThePageNamesTheInstanceAndTheCause() {
		browser.logIn(Users.PUBLISHER, Users.PUBLISHER_PASSWORD);
		publishStaged("greeting: hello", "greeting: go away", "1,50%,100%", "60s", "a blunter greeting");

		browser.awaitText("RUNNING", ROLLOUT);
		browser.awaitText("the next stage starts in", ROLLOUT);
		assertThat(browser.text("#stages")).contains("1", "50%", "100%");
		String canary = canary();
		assertThat(browser.text("#subset")).contains(canary, "applied", "UP");
		assertThat(browser.text(".countdown")).matches("\\d+s");
		browser.screenshot("staged-rollout");
		assertThat(keys.value(LAYER + "greeting")).isEqualTo("hello");

		instances.reject(canary);
		browser.awaitText("ROLLED BACK", ROLLOUT);
		assertThat(browser.text("#rollout-cause")).contains(canary, "greeting", "must not be rude");
		assertThat(browser.text("tr.cause")).contains(canary, "rejected");
		assertThat(browser.has("#pause")).isFalse();
		browser.screenshot("staged-rollout-rolled-back");
		assertThat(keys.values(LAYER + "_rollout/")).isEmpty();
		assertThat(keys.value(LAYER + "greeting")).isEqualTo("hello");
	}

	@Test
	@Order(2)
	void aRolloutWithoutFailureWidensStageByStageAndCompletesAsAReleaseOfTheLayer() {
		// The rejection of the last rollout is older than this one: it does not count.
		publishStaged("limits.rate: '100'", "limits.rate: '500'", "1,100%", "1s", "a higher rate limit");

		browser.awaitText("COMPLETED", ROLLOUT);
		assertThat(browser.text("#stages")).contains("1", "100%");
		assertThat(browser.text("#subset")).contains("shop-1", "shop-2", "shop-3");
		assertThat(keys.value(LAYER + "limits/rate")).isEqualTo("500");
		assertThat(keys.values(LAYER + "_rollout/")).isEmpty();
		browser.open("/apps/" + APP);
		assertThat(browser.has("#staged-rollout-link")).isFalse();
	}

	@Test
	@Order(3)
	void aPausedRolloutWaitsUntilItIsResumedAndTheApplicationPageLinksToIt() {
		publishStaged("greeting: hello", "greeting: hi", "1,100%", "60s", null);
		browser.awaitText("the next stage starts in", ROLLOUT);

		browser.clickThrough("#pause", "#resume");
		browser.awaitText("PAUSED", ROLLOUT);
		browser.open("/apps/" + APP);
		assertThat(browser.text("#staged-rollout-link")).contains("paused", "stage 1 of 2");
		browser.clickThrough("#staged-rollout-link a", "#rollout");

		browser.clickThrough("#resume", "#pause");
		browser.awaitText("RUNNING", ROLLOUT);
		browser.awaitText("the next stage starts in", ROLLOUT);
		assertThat(keys.value(LAYER + "greeting")).isEqualTo("hello");
	}

	@Test
	@Order(4)
	void aViewerSeesTheRolloutWithoutButtonsAndAForgedPostIsRefused() {
		browser.logIn(Users.VIEWER, Users.VIEWER_PASSWORD);
		browser.awaitText("Applications", Duration.ofSeconds(10));
		browser.open("/apps/" + APP + "/staged-rollout");
		browser.awaitText("RUNNING", ROLLOUT);
		assertThat(browser.has("#pause")).isFalse();
		assertThat(browser.has("#abort")).isFalse();
		assertThat(browser.post("/apps/" + APP + "/staged-rollout/abort", "")).isEqualTo(403L);
		assertThat(browser.text("#rollout-status")).isEqualTo("RUNNING");
	}

	@Test
	@Order(5)
	void aRolloutWhoseSubsetReportsHealthDownRollsItselfBack() {
		browser.logIn(Users.PUBLISHER, Users.PUBLISHER_PASSWORD);
		browser.awaitText("Applications", Duration.ofSeconds(10));
		browser.open("/apps/" + APP + "/staged-rollout");
		browser.awaitText("RUNNING", ROLLOUT);
		String canary = canary();

		instances.health(canary, "DOWN");
		try {
			browser.awaitText("ROLLED BACK", ROLLOUT);
			assertThat(browser.text("#rollout-cause")).contains(canary, "DOWN");
			assertThat(browser.text("tr.cause")).contains(canary, "DOWN");
			assertThat(keys.values(LAYER + "_rollout/")).isEmpty();
			assertThat(keys.value(LAYER + "greeting")).isEqualTo("hello");
		}
		finally {
			instances.health(canary, "UP");
		}
	}

	@Test
	@Order(6)
	void anAbortedRolloutRemovesItsValuesAndNamesWhoAbortedIt() {
		publishStaged("greeting: hello", "greeting: hi", "1,100%", "60s", null);
		browser.awaitText("RUNNING", ROLLOUT);
		browser.clickThrough("#abort", "#rollout-cause");

		assertThat(browser.text("#rollout-status")).isEqualTo("ABORTED");
		assertThat(browser.text("#rollout-cause")).contains("aborted by " + Users.PUBLISHER);
		assertThat(keys.values(LAYER + "_rollout/")).isEmpty();
		assertThat(keys.value(LAYER + "greeting")).isEqualTo("hello");
	}

	/**
	 * Edit the application's layer and publish the change as a staged rollout.
	 */
	private static void publishStaged(String before, String after, String stages, String bake, String message) {
		browser.open("/layer?app=" + APP);
		String text = browser.find("#text").getAttribute("value");
		assertThat(text).contains(before);
		browser.replaceText("#text", text.replace(before, after));
		browser.clickThrough("#check", "#publish-staged");
		browser.type("#stages-input", stages);
		browser.type("#bake-input", bake);
		if (message != null) {
			browser.type("form.staged input[name=message]", message);
		}
		browser.clickThrough("#publish-staged", "#rollout-status");
	}

	/**
	 * The one instance of the first stage, once it has the values.
	 */
	private static String canary() {
		await().atMost(ROLLOUT).until(() -> instances.exposing().size() == 1);
		return instances.exposing().get(0);
	}

}
