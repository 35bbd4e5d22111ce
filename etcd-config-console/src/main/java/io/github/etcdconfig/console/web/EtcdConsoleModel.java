package io.github.etcdconfig.console.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import io.github.etcdconfig.console.security.EtcdConsoleAccess;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every page shows: the logged-in user, and times in one format.
 */
@ControllerAdvice
public class EtcdConsoleModel {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	private final EtcdConsoleAccess access;

	public EtcdConsoleModel(EtcdConsoleAccess access) {
		this.access = access;
	}

	/**
	 * The user's name, or {@code null} before login.
	 */
	@ModelAttribute("userName")
	public String userName(Authentication user) {
		return (user != null && !(user instanceof AnonymousAuthenticationToken)) ? this.access.name(user) : null;
	}

	/**
	 * Times as pages show them.
	 */
	@ModelAttribute("times")
	public Times times() {
		return Times.INSTANCE;
	}

	/**
	 * Formats times for pages.
	 */
	public static final class Times {

		static final Times INSTANCE = new Times();

		public String format(Instant time) {
			return (time != null) ? TIME.format(time) : "";
		}

		public String formatMillis(Long millis) {
			return (millis != null) ? TIME.format(Instant.ofEpochMilli(millis)) : "";
		}

	}

}
