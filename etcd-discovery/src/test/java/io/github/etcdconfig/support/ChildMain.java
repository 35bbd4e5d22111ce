package io.github.etcdconfig.support;

import java.util.concurrent.CountDownLatch;

import io.github.etcdconfig.discovery.EtcdRegistration;
import io.github.etcdconfig.discovery.EtcdServiceRegistry;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What a {@link ChildProcess} runs:
 * <ul>
 * <li>{@code register ENDPOINTS NAME PORT TTL}: an application without a web server that registers, prints
 * {@code REGISTERED} and runs until killed.</li>
 * </ul>
 */
public final class ChildMain {

	private ChildMain() {
	}

	public static void main(String[] args) throws Exception {
		String endpoints = args[1];
		switch (args[0]) {
			case "register" -> register(endpoints, args[2], args[3], args[4]);
			default -> throw new IllegalArgumentException("Unknown mode " + args[0]);
		}
	}

	private static void register(String endpoints, String name, String port, String ttl) throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "etcd.endpoints=" + endpoints, "etcd.request-timeout=2s",
					"spring.application.name=" + name, "etcd.discovery.host=127.0.0.1", "etcd.discovery.port=" + port,
					"etcd.discovery.ttl=" + ttl)
			.run();
		EtcdServiceRegistry registry = context.getBean(EtcdServiceRegistry.class);
		EtcdRegistration registration = context.getBean(EtcdRegistration.class);
		System.out.println("REGISTERED " + registry.key(registration) + " " + registry.isRegistered(registration));
		new CountDownLatch(1).await();
	}

}
