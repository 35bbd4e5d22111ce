package io.github.etcdconfig.console.web;

import java.util.ArrayList;
import java.util.List;

import io.github.etcdconfig.console.security.EtcdConsoleSecurityConfiguration.EtcdConsoleLogins;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The login page: the password form, and a link per OIDC provider.
 */
@Controller
public class EtcdLoginController {

	private final EtcdConsoleLogins logins;

	private final ObjectProvider<ClientRegistrationRepository> registrations;

	public EtcdLoginController(EtcdConsoleLogins logins, ObjectProvider<ClientRegistrationRepository> registrations) {
		this.logins = logins;
		this.registrations = registrations;
	}

	@GetMapping("/login")
	public String login(Model model) {
		List<ClientRegistration> providers = new ArrayList<>();
		if (this.registrations.getIfAvailable() instanceof Iterable<?> all) {
			all.forEach((registration) -> providers.add((ClientRegistration) registration));
		}
		model.addAttribute("form", this.logins.form());
		model.addAttribute("providers", providers);
		return "login";
	}

}
