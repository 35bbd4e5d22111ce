package io.github.etcdconfig.console.support;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The console's users in tests, as settings with BCrypt-hashed passwords.
 */
public final class Users {

	public static final String VIEWER = "vera";

	public static final String VIEWER_PASSWORD = "vera-reads-2024";

	public static final String PUBLISHER = "paul";

	public static final String PUBLISHER_PASSWORD = "paul-publishes-2024";

	private static final BCryptPasswordEncoder BCRYPT = new BCryptPasswordEncoder(4);

	private Users() {
	}

	/**
	 * Settings for a viewer and a publisher.
	 * @return name=value settings
	 */
	public static String[] settings() {
		return new String[] { "etcd.console.users[0].name=" + VIEWER,
				"etcd.console.users[0].password=" + BCRYPT.encode(VIEWER_PASSWORD),
				"etcd.console.users[0].roles=viewer", "etcd.console.users[1].name=" + PUBLISHER,
				"etcd.console.users[1].password=" + BCRYPT.encode(PUBLISHER_PASSWORD),
				"etcd.console.users[1].roles=publisher" };
	}

}
