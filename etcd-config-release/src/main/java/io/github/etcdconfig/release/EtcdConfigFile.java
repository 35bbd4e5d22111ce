package io.github.etcdconfig.release;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A configuration file to release: a {@code .yml}, {@code .yaml} or {@code .properties}
 * document, as read from disk or uploaded.
 *
 * @param name the file name, used in messages and to choose the loader
 * @param content the bytes
 */
public record EtcdConfigFile(String name, byte[] content) {

	/**
	 * Read a file.
	 * @param path the file
	 * @return the file
	 * @throws EtcdReleaseException (invalid) when it cannot be read
	 */
	public static EtcdConfigFile read(Path path) {
		try {
			return new EtcdConfigFile(path.toString(), Files.readAllBytes(path));
		}
		catch (IOException ex) {
			throw new EtcdReleaseException(EtcdReleaseException.Reason.INVALID, "Cannot read " + path + ": " + why(ex),
					ex);
		}
	}

	// In words, as a shell says it; the exception's own message may repeat the path.
	private static String why(IOException ex) {
		if (ex instanceof NoSuchFileException) {
			return "no such file";
		}
		if (ex instanceof AccessDeniedException) {
			return "permission denied";
		}
		if (ex instanceof FileSystemException && Files.isDirectory(Path.of(((FileSystemException) ex).getFile()))) {
			return "it is a directory";
		}
		return "it cannot be read (" + ex.getClass().getSimpleName() + ")";
	}

	@Override
	public String toString() {
		return this.name + " (" + this.content.length + " bytes)";
	}

}
