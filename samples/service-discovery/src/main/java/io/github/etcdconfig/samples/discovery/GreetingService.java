package io.github.etcdconfig.samples.discovery;

import java.util.Map;

import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A second service, to show that the client finds each one by its own name.
 */
@RestController
@Profile("greeting-service")
class GreetingService {

	private final Registration registration;

	GreetingService(Registration registration) {
		this.registration = registration;
	}

	@GetMapping("/greeting")
	Map<String, String> greeting(@RequestParam(defaultValue = "world") String name) {
		return Map.of("instance", this.registration.getInstanceId(), "greeting", "Hello, " + name + "!");
	}

}
