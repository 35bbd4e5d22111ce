package io.github.etcdconfig.support;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.discovery.EtcdRegistration;
import io.github.etcdconfig.discovery.EtcdServiceRegistry;
import io.github.etcdconfig.lock.EtcdLockProperties;
import io.github.etcdconfig.lock.EtcdLocks;
import io.github.etcdconfig.test.ChildJvm;
import io.github.etcdconfig.test.TestApplication;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What a {@link ChildJvm} of the discovery tests runs:
 * <ul>
 * <li>{@code register ENDPOINTS NAME PORT TTL}: an application without a web server that
 * registers, prints {@code REGISTERED} and runs until killed;</li>
 * <li>{@code hold ENDPOINTS KEY TTL}: takes a lock, prints {@code HELD} and holds it
 * until killed;</li>
 * <li>{@code count ENDPOINTS THREADS ITERATIONS TTL}: prints {@code STARTED}, runs the
 * {@link LockedCounter} and prints {@code DONE overlaps=N}.</li>
 * </ul>
 */
public final class ChildMain {

	private ChildMain() {
	}

	public static void main(String[] args) throws Exception {
		String endpoints = args[1];
		switch (args[0]) {
			case "register" -> register(endpoints, args[2], args[3], args[4]);
			case "hold" -> hold(endpoints, args[2], args[3]);
			case "count" -> count(endpoints, Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4]);
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

	private static void hold(String endpoints, String key, String ttl) throws Exception {
		EtcdLocks locks = locks(endpoints, ttl);
		locks.obtain(key).lock();
		System.out.println("HELD " + key);
		new CountDownLatch(1).await();
	}

	private static void count(String endpoints, int threads, int iterations, String ttl) throws Exception {
		try (Client client = client(endpoints)) {
			EtcdLocks locks = new EtcdLocks(client, lockProperties(ttl), Duration.ofSeconds(2));
			System.out.println("STARTED");
			int overlaps = LockedCounter.run(locks, client, threads, iterations);
			System.out.println("DONE overlaps=" + overlaps);
			locks.destroy();
		}
		System.exit(0);
	}

	private static EtcdLocks locks(String endpoints, String ttl) {
		return new EtcdLocks(client(endpoints), lockProperties(ttl), Duration.ofSeconds(2));
	}

	private static EtcdLockProperties lockProperties(String ttl) {
		EtcdLockProperties properties = new EtcdLockProperties();
		properties.setTtl(Duration.ofSeconds(Long.parseLong(ttl)));
		return properties;
	}

	private static Client client(String endpoints) {
		return Client.builder().endpoints(endpoints.split(",")).waitForReady(false).build();
	}

}
