package io.github.etcdconfig.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Everything this library started and has not cleaned up yet. A JVM shutdown hook kills
 * the processes and deletes the directories, so a crashed or interrupted test run never
 * leaves etcd members (or their 60 MB WAL files) behind.
 */
final class LiveResources {

	private static final Set<Process> PROCESSES = ConcurrentHashMap.newKeySet();

	private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(LiveResources::cleanUp, "etcd-test-cleanup"));
	}

	private LiveResources() {
	}

	static void track(Process process) {
		PROCESSES.add(process);
		process.onExit().thenRun(() -> PROCESSES.remove(process));
	}

	static void track(Path directory) {
		DIRECTORIES.add(directory);
	}

	/** Deletes a tracked directory now and forgets it. */
	static void delete(Path directory) {
		deleteRecursively(directory);
		DIRECTORIES.remove(directory);
	}

	static void deleteRecursively(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot delete " + directory, e);
		}
	}

	private static void cleanUp() {
		PROCESSES.forEach(Process::destroyForcibly);
		for (Process process : PROCESSES) {
			try {
				process.waitFor(2, TimeUnit.SECONDS);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		DIRECTORIES.forEach(directory -> {
			try {
				deleteRecursively(directory);
			}
			catch (UncheckedIOException ignored) {
				// best effort while the JVM goes down
			}
		});
	}

}
