package io.github.etcdconfig.console;

import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.etcdconfig.console.support.Apps;
import io.github.etcdconfig.console.support.ConsoleHttp;
import io.github.etcdconfig.console.support.Users;
import io.github.etcdconfig.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.mapping.GrantedAuthoritiesMapper;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUserAuthority;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.Errors;
import org.springframework.validation.ObjectError;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who gets in and what they may do, over plain HTTP: a login for every page, the
 * generated password, the switch to OIDC, CSRF tokens on writes, per-application
 * publishers, and the loopback address.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdConsoleSecurityTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static ConfigurableApplicationContext console;

	static ConsoleHttp publisher;

	@BeforeAll
	static void start() {
		console = Apps.console(endpoints(), settings("etcd.console.applications.payment.publishers=carol"));
		publisher = new ConsoleHttp(Apps.url(console));
		assertThat(publisher.logIn(Users.PUBLISHER, Users.PUBLISHER_PASSWORD).headers().firstValue("Location"))
			.hasValue(Apps.url(console) + "/");
	}

	@AfterAll
	static void stop() {
		console.close();
	}

	@Test
	void everyPageNeedsALogin() {
		ConsoleHttp stranger = new ConsoleHttp(Apps.url(console));
		for (String page : List.of("/", "/apps/billing", "/layer?app=billing", "/layer/history", "/rollout")) {
			HttpResponse<String> response = stranger.get(page);
			assertThat(response.statusCode()).as(page).isEqualTo(302);
			assertThat(response.headers().firstValue("Location")).as(page).hasValue(Apps.url(console) + "/login");
		}
		assertThat(stranger.logIn(Users.PUBLISHER, "wrong").headers().firstValue("Location"))
			.hasValue(Apps.url(console) + "/login?error");
	}

	@Test
	void aWriteWithoutTheCsrfTokenIsRefused() {
		String form = "app=billing&format=yaml&text=greeting%3A+hi";
		assertThat(publisher.postWithoutToken("/layer/check", form).statusCode()).isEqualTo(403);
		HttpResponse<String> checked = publisher.post("/layer/check", form, "/");
		assertThat(checked.statusCode()).isEqualTo(200);
		assertThat(checked.body()).contains("id=\"publish\"");
	}

	@Test
	void anApplicationThatNamesItsPublishersRefusesOtherPublishers() {
		assertThat(publisher.get("/layer?app=payment").body()).doesNotContain("id=\"check\"");
		assertThat(publisher.post("/layer/check", "app=payment&format=yaml&text=a%3A+b", "/").statusCode())
			.isEqualTo(403);
		assertThat(publisher.get("/layer?app=billing").body()).contains("id=\"check\"");
	}

	@Test
	void perApplicationPublishersWithoutSharedPublishersAreWarnedOfAtStartUp(CapturedOutput output) {
		String warning = "etcd.console.shared-publishers is unset: every publisher may publish the shared layer";
		try (ConfigurableApplicationContext open = Apps.console(endpoints(),
				settings("etcd.console.applications.billing.publishers=carol"))) {
			assertThat(output.getAll()).contains(warning).contains("restricts who may publish [billing]");
		}
	}

	@Test
	void theConsoleListensOnTheLoopbackAddressByDefault() throws Exception {
		TomcatWebServer server = (TomcatWebServer) ((WebServerApplicationContext) console).getWebServer();
		assertThat(server.getTomcat().getConnector().getProperty("address"))
			.isEqualTo(InetAddress.getByName("127.0.0.1"));
	}

	@Test
	void withoutUsersAPasswordIsGeneratedAndPrintedOnce(CapturedOutput output) {
		try (ConfigurableApplicationContext bare = Apps.console(endpoints())) {
			Matcher printed = Pattern.compile("Using generated password for the console user 'admin': (\\S+)")
				.matcher(output.getOut());
			assertThat(printed.find()).isTrue();
			String password = printed.group(1);
			assertThat(printed.find()).isFalse();
			ConsoleHttp admin = new ConsoleHttp(Apps.url(bare));
			admin.logIn("admin", password);
			assertThat(admin.get("/").statusCode()).isEqualTo(200);
			assertThat(admin.get("/layer").body()).contains("id=\"check\"");
		}
	}

	@Test
	void withAnOidcProviderTheLoginPageOffersItAndNoPasswordIsGenerated(CapturedOutput output) {
		String provider = "spring.security.oauth2.client.provider.corp.";
		String registration = "spring.security.oauth2.client.registration.corp.";
		try (ConfigurableApplicationContext oidc = Apps.console(endpoints(), registration + "client-id=console",
				registration + "client-secret=console-secret", registration + "scope=openid",
				registration + "authorization-grant-type=authorization_code",
				registration + "redirect-uri={baseUrl}/login/oauth2/code/{registrationId}",
				registration + "client-name=Corp SSO", provider + "authorization-uri=http://127.0.0.1:9/authorize",
				provider + "token-uri=http://127.0.0.1:9/token", provider + "jwk-set-uri=http://127.0.0.1:9/jwks",
				provider + "user-name-attribute=sub", "etcd.console.users[0].name=olga",
				"etcd.console.users[0].roles=viewer")) {
			ConsoleHttp browser = new ConsoleHttp(Apps.url(oidc));
			assertThat(browser.get("/").headers().firstValue("Location")).hasValue(Apps.url(oidc) + "/login");
			String login = browser.get("/login").body();
			assertThat(login).contains("/oauth2/authorization/corp", "Log in with Corp SSO")
				.doesNotContain("name=\"password\"");
			assertThat(browser.get("/oauth2/authorization/corp").headers().firstValue("Location").orElseThrow())
				.startsWith("http://127.0.0.1:9/authorize?");
			assertThat(output.getOut()).doesNotContain("generated password");

			GrantedAuthoritiesMapper roles = oidc.getBean(GrantedAuthoritiesMapper.class);
			assertThat(names(roles.mapAuthorities(List.of(oidcUser(Map.of("preferred_username", "olga"))))))
				.contains("ROLE_VIEWER")
				.doesNotContain("ROLE_PUBLISHER");
			assertThat(names(roles.mapAuthorities(
					List.of(oidcUser(Map.of("preferred_username", "otto", "roles", List.of("publisher")))))))
				.contains("ROLE_VIEWER", "ROLE_PUBLISHER");
			assertThat(names(roles.mapAuthorities(List.of(oidcUser(Map.of("preferred_username", "eve"))))))
				.noneMatch((name) -> name.startsWith("ROLE_"));
		}
	}

	@Test
	void aPasswordThatIsNoBcryptHashIsRefusedWithAMessageThatDoesNotShowIt() {
		EtcdConsoleProperties properties = new EtcdConsoleProperties();
		EtcdConsoleProperties.User user = new EtcdConsoleProperties.User();
		user.setName("pat");
		user.setPassword("plain-Secret-4711");
		user.setRoles(Set.of(EtcdConsoleProperties.Role.PUBLISHER));
		properties.getUsers().add(user);
		Errors errors = new BeanPropertyBindingResult(properties, EtcdConsoleProperties.PREFIX);
		properties.validate(properties, errors);

		assertThat(errors.getAllErrors()).extracting(ObjectError::getDefaultMessage)
			.containsExactly("etcd.console.users[0].password must be a BCrypt hash such as $2a$10$..., never a plain "
					+ "password");
		// A field error would carry the rejected value into Spring Boot's start-up
		// failure report.
		assertThat(errors.getFieldErrors()).isEmpty();
	}

	private static OidcUserAuthority oidcUser(Map<String, Object> claims) {
		Map<String, Object> all = new HashMap<>(claims);
		all.put("sub", "subject-1");
		return new OidcUserAuthority(new OidcIdToken("token", Instant.now(), Instant.now().plusSeconds(60), all));
	}

	private static List<String> names(Collection<? extends GrantedAuthority> authorities) {
		return authorities.stream().map(GrantedAuthority::getAuthority).toList();
	}

	private static String[] settings(String... more) {
		List<String> all = new ArrayList<>(List.of(Users.settings()));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	private static String endpoints() {
		return etcd.cluster().endpointsProperty();
	}

}
