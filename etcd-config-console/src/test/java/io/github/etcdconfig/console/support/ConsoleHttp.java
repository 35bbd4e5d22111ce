package io.github.etcdconfig.console.support;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console over plain HTTP, as a script or a forger would use it: a session cookie,
 * the CSRF token taken from a page, and no redirect followed.
 */
public final class ConsoleHttp {

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

	private final String base;

	private final HttpClient client = HttpClient.newBuilder()
		.cookieHandler(new CookieManager())
		.followRedirects(HttpClient.Redirect.NEVER)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	public ConsoleHttp(String base) {
		this.base = base;
	}

	public HttpResponse<String> get(String path) {
		return send(HttpRequest.newBuilder(URI.create(this.base + path)).GET());
	}

	/**
	 * Post a form with the CSRF token of the page {@code tokenFrom}.
	 */
	public HttpResponse<String> post(String path, String form, String tokenFrom) {
		Matcher token = CSRF.matcher(get(tokenFrom).body());
		if (!token.find()) {
			throw new IllegalStateException(tokenFrom + " has no CSRF token");
		}
		return postWithoutToken(path, form + "&_csrf=" + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8));
	}

	public HttpResponse<String> postWithoutToken(String path, String form) {
		return send(HttpRequest.newBuilder(URI.create(this.base + path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form)));
	}

	/**
	 * Log in with the form.
	 * @return the answer: a redirect to / when the login succeeded
	 */
	public HttpResponse<String> logIn(String user, String password) {
		return post("/login", "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
				+ URLEncoder.encode(password, StandardCharsets.UTF_8), "/login");
	}

	private HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return this.client.send(request.timeout(Duration.ofSeconds(60)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
