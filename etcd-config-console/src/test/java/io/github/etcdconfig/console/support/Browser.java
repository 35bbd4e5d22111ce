package io.github.etcdconfig.console.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.util.FileSystemUtils;

import static org.awaitility.Awaitility.await;

/**
 * Headless Chromium through Selenium, with Debian's browser and driver named outright so
 * that Selenium Manager never tries to download either. Takes screenshots of pages into
 * the folder of {@code -Dconsole.screenshots=DIR} (the README's pictures), and only then.
 */
public final class Browser implements AutoCloseable {

	private static final String CHROMIUM = "/usr/bin/chromium";

	private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

	private static final int WIDTH = 1280;

	private final ChromeDriver driver;

	private final Path profile;

	private String base;

	private Browser(ChromeDriver driver, Path profile) {
		this.driver = driver;
		this.profile = profile;
	}

	/**
	 * Start a browser, or skip the tests when Chromium is not installed.
	 * @return the browser
	 */
	public static Browser start() {
		assumeInstalled();
		try {
			Path profile = Files.createTempDirectory("console-chromium-");
			ChromeOptions options = new ChromeOptions();
			options.setBinary(CHROMIUM);
			options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
					"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
					"--user-data-dir=" + profile, "--window-size=" + WIDTH + ",900");
			ChromeDriverService service = new ChromeDriverService.Builder()
				.usingDriverExecutable(new File(CHROMEDRIVER))
				.usingAnyFreePort()
				.build();
			ChromeDriver driver = new ChromeDriver(service, options);
			driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
			return new Browser(driver, profile);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Skip the tests, saying why, when Chromium or its driver is not installed.
	 */
	public static void assumeInstalled() {
		Assumptions.assumeTrue(new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
				"browser tests skipped: " + CHROMIUM + " and " + CHROMEDRIVER
						+ " are missing (Debian's chromium and chromium-driver; .ci/run installs them)");
	}

	/**
	 * Point the browser at the console.
	 * @param base the console's address
	 * @return this browser
	 */
	public Browser at(String base) {
		this.base = base;
		return this;
	}

	/** Open a page of the console. */
	public Browser open(String path) {
		this.driver.get(this.base + path);
		return this;
	}

	public WebElement find(String css) {
		return this.driver.findElement(By.cssSelector(css));
	}

	public boolean has(String css) {
		return !this.driver.findElements(By.cssSelector(css)).isEmpty();
	}

	public String text(String css) {
		return find(css).getText();
	}

	/** The page's text as shown. */
	public String text() {
		return find("body").getText();
	}

	/** The page's HTML as the server sent it, and as scripts changed it since. */
	public String source() {
		return this.driver.getPageSource();
	}

	public String url() {
		return this.driver.getCurrentUrl();
	}

	/**
	 * Run a script in the page.
	 * @param script the script's body, returning a value
	 * @return what it returns
	 */
	public Object script(String script) {
		return ((JavascriptExecutor) this.driver).executeScript(script);
	}

	public void click(String css) {
		find(css).click();
	}

	public void type(String css, String text) {
		WebElement field = find(css);
		field.clear();
		field.sendKeys(text);
	}

	/** Replace a textarea's whole text, as select-all and typing would. */
	public void replaceText(String css, String text) {
		((JavascriptExecutor) this.driver).executeScript("arguments[0].value = arguments[1];", find(css), text);
	}

	/**
	 * A POST sent by the page's own script, with the CSRF token of the page's logout
	 * form, as a forged request from a logged-in browser would be.
	 * @param path the path
	 * @param form the form body, URL-encoded, without the token
	 * @return the HTTP status
	 */
	public Object post(String path, String form) {
		return ((JavascriptExecutor) this.driver).executeAsyncScript("""
				const done = arguments[arguments.length - 1];
				const token = document.querySelector('input[name=_csrf]').value;
				fetch(arguments[0], { method: 'POST', redirect: 'manual',
					headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
					body: arguments[1] + '&_csrf=' + encodeURIComponent(token) })
					.then((response) => done(response.status), () => done(-1));
				""", path, form);
	}

	/**
	 * Click something that loads another page, and wait until that page shows an element.
	 * @param css what to click
	 * @param expected an element of the next page
	 */
	public void clickThrough(String css, String expected) {
		click(css);
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> has(expected));
	}

	/** Wait until the page's text contains something. */
	public void awaitText(String expected, Duration timeout) {
		await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> text().contains(expected));
	}

	public void logIn(String user, String password) {
		open("/login");
		this.driver.manage().deleteAllCookies();
		open("/login");
		type("#username", user);
		type("#password", password);
		click("#login");
	}

	/** Save the page as {@code name.png} when screenshots are asked for. */
	public void screenshot(String name) {
		String folder = System.getProperty("console.screenshots");
		if (folder == null || folder.isBlank()) {
			return;
		}
		try {
			// The whole page, not the window: Chromium lays it out at its full height for
			// the picture.
			Number height = (Number) ((JavascriptExecutor) this.driver)
				.executeScript("return document.documentElement.scrollHeight;");
			this.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", WIDTH, "height",
					Math.min(Math.max(height.intValue(), 400), 3000), "deviceScaleFactor", 1, "mobile", false));
			Path file = Path.of(folder).resolve(name + ".png");
			Files.createDirectories(file.getParent());
			Files.write(file, this.driver.getScreenshotAs(OutputType.BYTES));
			this.driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		this.driver.quit();
		FileSystemUtils.deleteRecursively(this.profile.toFile());
	}

}
