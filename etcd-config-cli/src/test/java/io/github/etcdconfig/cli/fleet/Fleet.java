package io.github.etcdconfig.cli.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.etcdconfig.test.ChildJvm;

/**
 * Instances of {@link FleetApplication}, each in a child JVM of its own with a small
 * heap, registered under {@code /services/<app>/<id>} with ids {@code i1}, {@code i2}...
 * and metadata {@code zone=a} for odd and {@code zone=b} for even numbers. Each can be
 * killed with SIGKILL, frozen with SIGSTOP and replaced.
 */
public final class Fleet implements AutoCloseable {

	/** The lease of each registration: short, so that a killed instance leaves soon. */
	public static final Duration TTL = Duration.ofSeconds(3);

	private static final Duration START = Duration.ofSeconds(90);

	private final String endpoints;

	private final String app;

	private final Set<String> strict;

	private final Map<String, Member> members = new LinkedHashMap<>();

	private Fleet(String endpoints, String app, Set<String> strict) {
		this.endpoints = endpoints;
		this.app = app;
		this.strict = strict;
	}

	/**
	 * Start instances and wait until each listens.
	 * @param endpoints etcd's endpoints
	 * @param app the application name
	 * @param size how many instances
	 * @param strict the ids of the instances that validate {@code roll.limit}
	 * @return the running fleet
	 */
	public static Fleet start(String endpoints, String app, int size, Set<String> strict) {
		Fleet fleet = new Fleet(endpoints, app, strict);
		try {
			List<String> ids = new ArrayList<>();
			for (int i = 1; i <= size; i++) {
				ids.add("i" + i);
			}
			// All at once: the JVMs start side by side.
			ids.forEach((id) -> fleet.members.put(id, new Member(id, fleet.launch(id))));
			ids.forEach(fleet::awaitListening);
			return fleet;
		}
		catch (RuntimeException | Error ex) {
			fleet.close();
			throw ex;
		}
	}

	/**
	 * The application name.
	 * @return the name
	 */
	public String app() {
		return this.app;
	}

	/**
	 * The instance ids, in order.
	 * @return the ids
	 */
	public List<String> ids() {
		return List.copyOf(this.members.keySet());
	}

	/**
	 * The port an instance's probe endpoint listens on.
	 * @param id the instance
	 * @return the port
	 */
	public int port(String id) {
		return member(id).port;
	}

	/**
	 * Kill an instance with SIGKILL: its registration stays until its lease expires.
	 * @param id the instance
	 */
	public void kill(String id) {
		member(id).jvm.kill();
	}

	/**
	 * Freeze an instance with SIGSTOP.
	 * @param id the instance
	 */
	public void freeze(String id) {
		member(id).jvm.freeze();
	}

	/**
	 * Thaw a frozen instance with SIGCONT.
	 * @param id the instance
	 */
	public void thaw(String id) {
		member(id).jvm.thaw();
	}

	/**
	 * Start instances again under the same ids, side by side: a running one is killed
	 * first (its registration stays until its lease expires or the new one replaces it).
	 * @param ids the instances
	 */
	public void restart(String... ids) {
		for (String id : ids) {
			member(id).jvm.close();
			this.members.put(id, new Member(id, launch(id)));
		}
		for (String id : ids) {
			awaitListening(id);
		}
	}

	/**
	 * The end of an instance's output, for failure messages.
	 * @param id the instance
	 * @return its last lines
	 */
	public String tail(String id) {
		return member(id).jvm.tail();
	}

	@Override
	public void close() {
		this.members.values().forEach((member) -> member.jvm.close());
	}

	private ChildJvm launch(String id) {
		int number = Integer.parseInt(id.substring(1));
		return ChildJvm.start(List.of("-Xmx96m", "-Xss512k", "-XX:+UseSerialGC",
				// The CLI's test class path has slf4j-nop beside Logback.
				"-Dorg.springframework.boot.logging.LoggingSystem=none"), FleetApplication.class, this.endpoints,
				this.app, id, TTL.toSeconds() + "s", Boolean.toString(this.strict.contains(id)),
				"etcd.discovery.metadata.zone=" + ((number % 2 == 1) ? "a" : "b"));
	}

	private void awaitListening(String id) {
		Member member = member(id);
		String line = member.jvm.awaitLine("LISTENING ", START);
		member.port = Integer.parseInt(line.substring("LISTENING ".length()).trim());
	}

	private Member member(String id) {
		Member member = this.members.get(id);
		if (member == null) {
			throw new IllegalArgumentException("No instance " + id);
		}
		return member;
	}

	private static final class Member {

		private final String id;

		private final ChildJvm jvm;

		private volatile int port;

		Member(String id, ChildJvm jvm) {
			this.id = id;
			this.jvm = jvm;
		}

		@Override
		public String toString() {
			return this.id;
		}

	}

}
