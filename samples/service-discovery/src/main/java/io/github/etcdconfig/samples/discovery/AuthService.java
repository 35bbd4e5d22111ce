package io.github.etcdconfig.samples.discovery;

import java.util.Map;
import java.util.UUID;

import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The seed's auth-service: hands out tokens, and says which instance answered.
 */
@RestController
@Profile("auth-service")
class AuthService {

	private final Registration registration;

	AuthService(Registration registration) {
		this.registration = registration;
	}

	@GetMapping("/token")
	Map<String, String> token() {
		return Map.of("instance", this.registration.getInstanceId(), "token", UUID.randomUUID().toString());
	}

}
