package io.github.etcdconfig.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.github.etcdconfig.client.EtcdThreads;
import io.github.etcdconfig.ranges.EtcdKeyEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A local copy of an etcd source, to start from when etcd cannot be reached
 * (etcd.config.snapshot.path). It holds the keys with their values and revisions, so the
 * exact snapshot, origins included, can be rebuilt.
 *
 * <p>
 * Writes are atomic: a temporary file in the same folder, written and forced to disk,
 * then renamed over the old one; the file can be read by its owner only, since secrets
 * are inside. Writes run on a thread of their own, always with the latest snapshot, so a
 * burst of changes costs one write at a time and never delays a refresh. A failed write
 * is logged and the previous file stays as it was.
 *
 * <p>
 * The last line carries the number of keys and a SHA-256 of everything before it: a
 * truncated or altered file is rejected as a whole, never half used.
 */
public final class EtcdConfigSnapshotFile implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(EtcdConfigSnapshotFile.class);

	private static final String HEADER = "etcd-config snapshot 1";

	private final Path path;

	private final Opener opener;

	private final Loader loader;

	private final AtomicReference<EtcdConfigSnapshot> next = new AtomicReference<>();

	private final ExecutorService writer = Executors
		.newSingleThreadExecutor(EtcdThreads.daemon("etcd-config-snapshot"));

	private volatile String lastFailure;

	public EtcdConfigSnapshotFile(Path path) {
		this(path, (file) -> FileChannel.open(file, StandardOpenOption.WRITE), Files::readAllBytes);
	}

	EtcdConfigSnapshotFile(Path path, Opener opener, Loader loader) {
		this.path = path.toAbsolutePath();
		this.opener = opener;
		this.loader = loader;
	}

	public Path getPath() {
		return this.path;
	}

	/**
	 * Write a snapshot soon, on the writer thread. Snapshots handed in meanwhile replace
	 * it: only the latest is written.
	 * @param snapshot the snapshot
	 */
	public void write(EtcdConfigSnapshot snapshot) {
		if (this.next.getAndSet(snapshot) == null) {
			try {
				this.writer.execute(this::writeLatest);
			}
			catch (RejectedExecutionException ex) {
				// Closed: the application is stopping.
			}
		}
	}

	private void writeLatest() {
		EtcdConfigSnapshot snapshot = this.next.getAndSet(null);
		if (snapshot == null) {
			return;
		}
		try {
			writeNow(snapshot);
			if (this.lastFailure != null) {
				logger.info("Snapshot file " + this.path + " is written again");
				this.lastFailure = null;
			}
		}
		catch (IOException | RuntimeException ex) {
			String failure = ex.getClass().getSimpleName() + ": " + ex.getMessage();
			// One warning per kind of failure, not one per change.
			if (!failure.equals(this.lastFailure)) {
				logger.warn("Cannot write the snapshot file " + this.path + " (" + failure
						+ "); the previous file, if any, is kept");
			}
			this.lastFailure = failure;
		}
	}

	/**
	 * Write a snapshot now, on the calling thread.
	 * @param snapshot the snapshot
	 * @throws IOException when the file cannot be written; the previous file is then
	 * unchanged
	 */
	void writeNow(EtcdConfigSnapshot snapshot) throws IOException {
		byte[] content = format(snapshot);
		Path folder = this.path.getParent();
		Files.createDirectories(folder);
		Path temporary = Files.createTempFile(folder, "." + this.path.getFileName(), ".tmp", ownerOnly());
		try {
			try (FileChannel channel = this.opener.open(temporary)) {
				ByteBuffer buffer = ByteBuffer.wrap(content);
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
				channel.force(true);
			}
			Files.move(temporary, this.path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		finally {
			Files.deleteIfExists(temporary);
		}
		forceFolder(folder);
	}

	private static FileAttribute<?>[] ownerOnly() {
		if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
			return new FileAttribute<?>[0];
		}
		return new FileAttribute<?>[] {
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")) };
	}

	// The rename is durable only once the folder is on disk too.
	private static void forceFolder(Path folder) {
		try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// Not every platform can open a folder; the rename itself is still atomic.
		}
	}

	private static byte[] format(EtcdConfigSnapshot snapshot) {
		StringBuilder text = new StringBuilder(HEADER).append('\n');
		text.append("revision ").append(snapshot.getRevision()).append('\n');
		for (String prefix : snapshot.getLayout().prefixes()) {
			text.append("prefix ").append(encode(prefix)).append('\n');
		}
		int[] count = new int[1];
		snapshot.forEachKey((key, value, modRevision) -> {
			text.append("key ")
				.append(encode(key))
				.append(' ')
				.append(modRevision)
				.append(' ')
				.append(encode(value))
				.append('\n');
			count[0]++;
		});
		byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
		String end = "end " + count[0] + " " + sha256(body) + "\n";
		byte[] content = new byte[body.length + end.length()];
		System.arraycopy(body, 0, content, 0, body.length);
		System.arraycopy(end.getBytes(StandardCharsets.UTF_8), 0, content, body.length, end.length());
		return content;
	}

	/**
	 * Read the file back into a snapshot.
	 * @param layout the layout the snapshot must have been written for
	 * @param problems receives keys that cannot be used, as on a load from etcd
	 * @return the snapshot, at the revision it was written at
	 * @throws IOException when the file is missing, unreadable, from other prefixes, or
	 * corrupt in any way
	 */
	public EtcdConfigSnapshot read(EtcdConfigLayout layout, Consumer<EtcdConfigProblem> problems) throws IOException {
		byte[] content;
		try {
			content = this.loader.load(this.path);
		}
		catch (NoSuchFileException ex) {
			throw new IOException("there is no snapshot file " + this.path, ex);
		}
		catch (AccessDeniedException ex) {
			throw new IOException("the snapshot file " + this.path + " cannot be read (permission denied)", ex);
		}
		String text = new String(content, StandardCharsets.UTF_8);
		int end = text.lastIndexOf("\nend ");
		if (!text.startsWith(HEADER + "\n") || end < 0 || !text.endsWith("\n")) {
			throw corrupt("it is incomplete or not a snapshot file");
		}
		String body = text.substring(0, end + 1);
		String[] trailer = text.substring(end + 1, text.length() - 1).split(" ");
		if (trailer.length != 3 || !sha256(body.getBytes(StandardCharsets.UTF_8)).equals(trailer[2])) {
			throw corrupt("its checksum does not match its content");
		}
		long revision = 0;
		List<String> prefixes = new ArrayList<>();
		List<EtcdKeyEvent> keys = new ArrayList<>();
		try (BufferedReader lines = new BufferedReader(new StringReader(body))) {
			lines.readLine();
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				String[] fields = line.split(" ");
				switch (fields[0]) {
					case "revision" -> revision = Long.parseLong(fields[1]);
					case "prefix" -> prefixes.add(decode(fields[1]));
					case "key" -> keys.add(EtcdKeyEvent.put(Base64.getDecoder().decode(fields[1]),
							Base64.getDecoder().decode(fields[3]), Long.parseLong(fields[2])));
					default -> throw corrupt("it has an unknown line");
				}
			}
		}
		catch (RuntimeException ex) {
			throw corrupt("a line does not parse");
		}
		if (keys.size() != Integer.parseInt(trailer[1]) || revision <= 0) {
			throw corrupt("it does not hold the number of keys it announces");
		}
		if (!Objects.equals(prefixes, layout.prefixes())) {
			throw new IOException("the snapshot file " + this.path + " was written for prefixes " + prefixes + ", not "
					+ layout.prefixes());
		}
		return EtcdConfigSnapshot.of(layout, revision, keys, problems);
	}

	private IOException corrupt(String reason) {
		return new IOException("the snapshot file " + this.path + " is rejected: " + reason);
	}

	private static String encode(String value) {
		return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
	}

	private static String decode(String value) {
		return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
	}

	private static String sha256(byte[] content) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Finish the pending write, briefly, and stop the writer thread.
	 */
	@Override
	public void close() {
		this.writer.shutdown();
		try {
			this.writer.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Opens the temporary file for writing; replaced in tests to simulate a full disk.
	 */
	@FunctionalInterface
	interface Opener {

		FileChannel open(Path file) throws IOException;

	}

	/**
	 * Reads the file; replaced in tests to simulate a file the process may not read,
	 * which root always may.
	 */
	@FunctionalInterface
	interface Loader {

		byte[] load(Path file) throws IOException;

	}

}
