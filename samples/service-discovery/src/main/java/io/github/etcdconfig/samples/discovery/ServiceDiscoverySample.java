package io.github.etcdconfig.samples.discovery;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * One jar, three roles, chosen by profile: {@code auth-service} and
 * {@code greeting-service} register themselves in etcd under /services/, and
 * {@code client} calls them by name. No etcd code anywhere: the etcd-discovery dependency
 * and spring.application.name are all it takes.
 */
@SpringBootApplication
public class ServiceDiscoverySample {

	public static void main(String[] args) {
		SpringApplication.run(ServiceDiscoverySample.class, args);
	}

}
