package io.github.etcdconfig.release;

import java.io.IOException;
import java.nio.file.Files;
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
			throw new EtcdReleaseException(EtcdReleaseException.Reason.INVALID,
					"Cannot read " + path + ": " + ex.getClass().getSimpleName(), ex);
		}
	}

	@Override
	public String toString() {
		return this.name + " (" + this.content.length + " bytes)";
	}

}
