package io.github.etcdconfig.console.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.github.etcdconfig.console.EtcdConsoleProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.authority.mapping.GrantedAuthoritiesMapper;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.user.OAuth2UserAuthority;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who gets in and what they may do. Every page needs a login: a form for the users of
 * {@code etcd.console.users} (BCrypt-hashed passwords), and OIDC when
 * {@code spring.security.oauth2.client.registration.*} names a provider. Without either,
 * one user {@code admin} gets a generated password, printed once, as Spring Boot does for
 * its own default user. A viewer reads; every write (a POST, with Spring Security's CSRF
 * token) needs the publisher role, and {@link EtcdConsoleAccess} checks the application's
 * own publishers on top.
 */
@Configuration(proxyBeanMethods = false)
public class EtcdConsoleSecurityConfiguration {

	/** The user created when no user is configured. */
	public static final String GENERATED_USER = "admin";

	private static final Log logger = LogFactory.getLog(EtcdConsoleSecurityConfiguration.class);

	@Bean
	SecurityFilterChain etcdConsoleSecurity(HttpSecurity http, EtcdConsoleLogins logins) {
		http.authorizeHttpRequests(
				(requests) -> requests.requestMatchers("/login", "/error", "/webjars/**", "/console/**", "/favicon.ico")
					.permitAll()
					.requestMatchers(HttpMethod.GET, "/**")
					.hasRole(EtcdConsoleProperties.Role.VIEWER.name())
					.anyRequest()
					.hasRole(EtcdConsoleProperties.Role.PUBLISHER.name()));
		if (logins.form()) {
			http.formLogin((form) -> form.loginPage("/login").permitAll());
		}
		if (logins.oidc()) {
			http.oauth2Login((oauth2) -> oauth2.loginPage("/login"));
		}
		http.logout((logout) -> logout.logoutSuccessUrl("/login?logout"));
		http.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp
			.policyDirectives("default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")));
		return http.build();
	}

	/**
	 * How users log in: with a password when any user has one (or none is configured at
	 * all), through OIDC when a provider is registered.
	 */
	@Bean
	EtcdConsoleLogins etcdConsoleLogins(EtcdConsoleProperties properties,
			ObjectProvider<ClientRegistrationRepository> registrations) {
		boolean oidc = registrations.getIfAvailable() != null;
		boolean passwords = properties.getUsers().stream().anyMatch((user) -> user.getPassword() != null);
		return new EtcdConsoleLogins(passwords || !oidc, oidc);
	}

	@Bean
	PasswordEncoder etcdConsolePasswordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	InMemoryUserDetailsManager etcdConsoleUsers(EtcdConsoleProperties properties, EtcdConsoleLogins logins,
			PasswordEncoder encoder) {
		List<UserDetails> users = new ArrayList<>();
		for (EtcdConsoleProperties.User user : properties.getUsers()) {
			if (user.getPassword() != null) {
				String hash = user.getPassword().startsWith("{bcrypt}") ? user.getPassword()
						: "{bcrypt}" + user.getPassword();
				users.add(User.withUsername(user.getName())
					.password(hash)
					.authorities(authorities(user.getRoles()))
					.build());
			}
		}
		if (users.isEmpty() && logins.form()) {
			String password = UUID.randomUUID().toString();
			logger.warn(String.format(
					"%n%nUsing generated password for the console user '%s': %s%n%nThis generated "
							+ "password is for development use only. Name users with BCrypt-hashed passwords in "
							+ "etcd.console.users before anyone else can reach the console.%n",
					GENERATED_USER, password));
			users.add(User.withUsername(GENERATED_USER)
				.password(encoder.encode(password))
				.authorities(authorities(Set.of(EtcdConsoleProperties.Role.PUBLISHER)))
				.build());
		}
		return new InMemoryUserDetailsManager(users);
	}

	/**
	 * Roles for OIDC users: those of the {@code etcd.console.users} entry of their name,
	 * and those their roles claim names. A user with neither is logged in but may see
	 * nothing.
	 */
	@Bean
	GrantedAuthoritiesMapper etcdConsoleOidcRoles(EtcdConsoleProperties properties) {
		return (authorities) -> {
			Set<GrantedAuthority> mapped = new LinkedHashSet<>(authorities);
			for (GrantedAuthority authority : authorities) {
				if (authority instanceof OAuth2UserAuthority user) {
					mapped.addAll(authorities(oidcRoles(properties, user.getAttributes())));
				}
			}
			return mapped;
		};
	}

	private static Set<EtcdConsoleProperties.Role> oidcRoles(EtcdConsoleProperties properties,
			Map<String, Object> claims) {
		Set<EtcdConsoleProperties.Role> roles = new LinkedHashSet<>();
		Object name = claims.get(properties.getOidc().getUserNameClaim());
		properties.getUsers()
			.stream()
			.filter((user) -> user.getName().equals(String.valueOf(name)))
			.forEach((user) -> roles.addAll(user.getRoles()));
		Object claimed = claims.get(properties.getOidc().getRolesClaim());
		Collection<?> values = (claimed instanceof Collection<?> collection) ? collection
				: (claimed != null) ? List.of(claimed) : List.of();
		for (Object value : values) {
			for (EtcdConsoleProperties.Role role : EtcdConsoleProperties.Role.values()) {
				if (role.name().equalsIgnoreCase(String.valueOf(value))) {
					roles.add(role);
				}
			}
		}
		return roles;
	}

	// A publisher also views.
	static List<GrantedAuthority> authorities(Set<EtcdConsoleProperties.Role> roles) {
		Set<GrantedAuthority> authorities = new LinkedHashSet<>();
		for (EtcdConsoleProperties.Role role : roles) {
			authorities.add(new SimpleGrantedAuthority("ROLE_" + EtcdConsoleProperties.Role.VIEWER.name()));
			authorities.add(new SimpleGrantedAuthority("ROLE_" + role.name()));
		}
		return List.copyOf(authorities);
	}

	/**
	 * The ways to log in.
	 *
	 * @param form with a user name and password
	 * @param oidc through an OIDC provider
	 */
	public record EtcdConsoleLogins(boolean form, boolean oidc) {

	}

}
