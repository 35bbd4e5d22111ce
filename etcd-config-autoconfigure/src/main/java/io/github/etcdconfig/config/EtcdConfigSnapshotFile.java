package io.github.etcdconfig.config;

import java.io.IOException;
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
import java.util.Arrays;
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

	private static final byte[] HEADER_LINE = (HEADER + "\n").getBytes(StandardCharsets.US_ASCII);

	private static final byte[] REVISION = "revision ".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] PREFIX = "prefix ".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] KEY = "key ".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] END = "end ".getBytes(StandardCharsets.US_ASCII);

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

	// Bytes in and bytes out, without a text of the whole file or a string per field: a
	// fleet restarting at once spends most of its start-up CPU here (docs/scale.md).
	private static byte[] format(EtcdConfigSnapshot snapshot) {
		Output out = new Output();
		out.ascii(HEADER).newLine();
		out.ascii("revision ").ascii(Long.toString(snapshot.getRevision())).newLine();
		for (String prefix : snapshot.getLayout().prefixes()) {
			out.ascii("prefix ").base64(prefix).newLine();
		}
		int[] count = new int[1];
		snapshot.forEachKey((key, value, modRevision) -> {
			out.ascii("key ").base64(key).space().ascii(Long.toString(modRevision)).space().base64(value).newLine();
			count[0]++;
		});
		String checksum = sha256(out.bytes, 0, out.size);
		return out.ascii("end " + count[0] + " " + checksum).newLine().toByteArray();
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
		int bodyEnd = lastLineStart(content);
		if (!startsWith(content, 0, HEADER_LINE) || bodyEnd <= HEADER_LINE.length
				|| !startsWith(content, bodyEnd, END)) {
			throw corrupt("it is incomplete or not a snapshot file");
		}
		String[] trailer = new String(content, bodyEnd, content.length - bodyEnd - 1, StandardCharsets.US_ASCII)
			.split(" ");
		if (trailer.length != 3 || !sha256(content, 0, bodyEnd).equals(trailer[2])) {
			throw corrupt("its checksum does not match its content");
		}
		long revision = 0;
		long count;
		List<String> prefixes = new ArrayList<>();
		List<EtcdKeyEvent> keys = new ArrayList<>();
		try {
			count = Long.parseLong(trailer[1]);
			for (int line = HEADER_LINE.length, next; line < bodyEnd; line = next + 1) {
				next = indexOf(content, '\n', line, bodyEnd);
				if (startsWith(content, line, KEY)) {
					int keyEnd = indexOf(content, ' ', line + KEY.length, next);
					int revisionEnd = indexOf(content, ' ', keyEnd + 1, next);
					keys.add(EtcdKeyEvent.put(decode(content, line + KEY.length, keyEnd),
							decode(content, revisionEnd + 1, next), parseLong(content, keyEnd + 1, revisionEnd)));
				}
				else if (startsWith(content, line, REVISION)) {
					revision = parseLong(content, line + REVISION.length, next);
				}
				else if (startsWith(content, line, PREFIX)) {
					prefixes.add(new String(decode(content, line + PREFIX.length, next), StandardCharsets.UTF_8));
				}
				else {
					throw corrupt("it has an unknown line");
				}
			}
		}
		catch (RuntimeException ex) {
			throw corrupt("a line does not parse");
		}
		if (keys.size() != count || revision <= 0) {
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

	// Where the last line starts, or -1 when the content does not end a line.
	private static int lastLineStart(byte[] content) {
		if (content.length == 0 || content[content.length - 1] != '\n') {
			return -1;
		}
		int i = content.length - 2;
		while (i >= 0 && content[i] != '\n') {
			i--;
		}
		return i + 1;
	}

	private static boolean startsWith(byte[] content, int from, byte[] start) {
		return from + start.length <= content.length
				&& Arrays.equals(content, from, from + start.length, start, 0, start.length);
	}

	// Where a byte is between from and to, or to when it is not: the line's end.
	private static int indexOf(byte[] content, char c, int from, int to) {
		for (int i = from; i < to; i++) {
			if (content[i] == c) {
				return i;
			}
		}
		return to;
	}

	private static byte[] decode(byte[] content, int from, int to) {
		return Base64.getDecoder().decode(Arrays.copyOfRange(content, from, to));
	}

	private static long parseLong(byte[] content, int from, int to) {
		if (from >= to) {
			throw new NumberFormatException("no digits");
		}
		long value = 0;
		for (int i = from; i < to; i++) {
			int digit = content[i] - '0';
			if (digit < 0 || digit > 9) {
				throw new NumberFormatException("not a digit");
			}
			value = Math.addExact(Math.multiplyExact(value, 10), digit);
		}
		return value;
	}

	private static String sha256(byte[] content, int from, int to) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update(content, from, to - from);
			return HexFormat.of().formatHex(digest.digest());
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
	 * The file's bytes as they are made: ASCII fields and Base64, written in place.
	 */
	private static final class Output {

		private final Base64.Encoder encoder = Base64.getEncoder();

		private byte[] bytes = new byte[8192];

		private byte[] encoded = new byte[256];

		private int size;

		Output ascii(String text) {
			ensure(text.length());
			for (int i = 0; i < text.length(); i++) {
				this.bytes[this.size++] = (byte) text.charAt(i);
			}
			return this;
		}

		Output base64(String text) {
			byte[] raw = text.getBytes(StandardCharsets.UTF_8);
			int length = (raw.length + 2) / 3 * 4;
			if (this.encoded.length < length) {
				this.encoded = new byte[Math.max(length, this.encoded.length * 2)];
			}
			this.encoder.encode(raw, this.encoded);
			ensure(length);
			System.arraycopy(this.encoded, 0, this.bytes, this.size, length);
			this.size += length;
			return this;
		}

		Output space() {
			ensure(1);
			this.bytes[this.size++] = ' ';
			return this;
		}

		Output newLine() {
			ensure(1);
			this.bytes[this.size++] = '\n';
			return this;
		}

		byte[] toByteArray() {
			return Arrays.copyOf(this.bytes, this.size);
		}

		private void ensure(int more) {
			if (this.size + more > this.bytes.length) {
				this.bytes = Arrays.copyOf(this.bytes, Math.max(this.bytes.length * 2, this.size + more));
			}
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
