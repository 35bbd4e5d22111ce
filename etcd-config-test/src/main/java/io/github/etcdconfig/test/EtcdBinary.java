package io.github.etcdconfig.test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the etcd executable; resolved on every call so a test can point {@code etcd.bin}
 * elsewhere.
 */
final class EtcdBinary {

	static final String PROPERTY = "etcd.bin";
	static final String ENV = "ETCD_BIN";

	private static final Path DEFAULT = Path.of("/usr/bin/etcd");

	private EtcdBinary() {
	}

	/**
	 * The configured or discovered etcd path; an explicit setting wins even when it is
	 * not executable.
	 */
	static Path path() {
		String configured = Optional.ofNullable(System.getProperty(PROPERTY)).orElse(System.getenv(ENV));
		if (configured != null && !configured.isBlank()) {
			return Path.of(configured.trim());
		}
		return onPath().orElse(DEFAULT);
	}

	static boolean isUsable() {
		Path path = path();
		return Files.isRegularFile(path) && Files.isExecutable(path);
	}

	private static Optional<Path> onPath() {
		String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
		return Stream.of(path.split(File.pathSeparator))
			.filter(dir -> !dir.isBlank())
			.map(dir -> Path.of(dir, "etcd"))
			.filter(Files::isExecutable)
			.findFirst();
	}

}
