package io.github.etcdconfig.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TCP connections this JVM holds, from Linux's {@code /proc}: its socket file
 * descriptors matched against the kernel's connection tables.
 */
public final class Connections {

	private Connections() {
	}

	/**
	 * Whether this machine can tell (Linux).
	 * @return whether {@link #establishedTo(int)} works
	 */
	public static boolean areVisible() {
		return Files.isDirectory(Path.of("/proc/self/fd")) && Files.exists(Path.of("/proc/net/tcp"));
	}

	/**
	 * The established connections from this JVM to a port.
	 * @param port the remote port
	 * @return how many
	 */
	public static int establishedTo(int port) {
		Set<String> sockets = sockets();
		int count = 0;
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			for (String line : lines(table)) {
				// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout
				// inode; 01 is ESTABLISHED.
				String[] fields = line.trim().split("\\s+");
				if (fields.length > 9 && "01".equals(fields[3]) && sockets.contains(fields[9])
						&& Integer.parseInt(fields[2].substring(fields[2].lastIndexOf(':') + 1), 16) == port) {
					count++;
				}
			}
		}
		return count;
	}

	private static Set<String> sockets() {
		Set<String> inodes = new HashSet<>();
		try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
			for (Path descriptor : descriptors.toList()) {
				try {
					String target = Files.readSymbolicLink(descriptor).toString();
					if (target.startsWith("socket:[")) {
						inodes.add(target.substring("socket:[".length(), target.length() - 1));
					}
				}
				catch (IOException ex) {
					// Closed meanwhile.
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return inodes;
	}

	private static List<String> lines(String table) {
		try {
			return Files.exists(Path.of(table)) ? Files.readAllLines(Path.of(table)) : List.of();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
