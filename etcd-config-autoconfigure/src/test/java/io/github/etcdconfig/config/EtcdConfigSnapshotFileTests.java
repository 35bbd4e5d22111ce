package io.github.etcdconfig.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.etcdconfig.ranges.EtcdKeyEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * The snapshot file: atomic, owner-only, and never half used.
 */
class EtcdConfigSnapshotFileTests {

	private static final EtcdConfigLayout LAYOUT = EtcdConfigLayout.resolve(List.of("/config/"), null, List.of());

	@TempDir
	Path folder;

	private static EtcdConfigSnapshot snapshot(long revision, String... keysAndValues) {
		List<EtcdKeyEvent> keys = new ArrayList<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			keys.add(EtcdKeyEvent.put(keysAndValues[i].getBytes(StandardCharsets.UTF_8),
					keysAndValues[i + 1].getBytes(StandardCharsets.UTF_8), revision));
		}
		return EtcdConfigSnapshot.of(LAYOUT, revision, keys, (problem) -> {
		});
	}

	@Test
	void aWrittenSnapshotReadsBackWithItsValuesRevisionAndDocuments() throws IOException {
		EtcdConfigSnapshotFile file = new EtcdConfigSnapshotFile(this.folder.resolve("etcd.snapshot"));
		file.writeNow(snapshot(42, "/config/database/host", "postgres", "/config/app.yml", "mail:\n  port: 25\n",
				"/config/a/b", "collides", "/config/a.b", "loses"));
		EtcdConfigSnapshot read = file.read(LAYOUT, (problem) -> {
		});
		assertThat(read.getRevision()).isEqualTo(42);
		assertThat(read.getProperty("database.host")).isEqualTo("postgres");
		assertThat(read.getProperty("mail.port")).isEqualTo(25);
		assertThat(read.getProperty("a.b")).isEqualTo("collides");
		assertThat(read.getKeyCount()).isEqualTo(4);
		assertThat(read.getOrigin("database.host")).hasToString("etcd key /config/database/host (revision 42)");
	}

	@Test
	void anEmptyValueReadsBack() throws IOException {
		EtcdConfigSnapshotFile file = new EtcdConfigSnapshotFile(this.folder.resolve("etcd.snapshot"));
		file.writeNow(snapshot(5, "/config/feature/banner", "", "/config/z", "last"));
		EtcdConfigSnapshot read = file.read(LAYOUT, (problem) -> {
		});
		assertThat(read.getProperty("feature.banner")).isEqualTo("");
		assertThat(read.getProperty("z")).isEqualTo("last");
	}

	@Test
	void theKeysAreWrittenInTheOrderOfTheirNames() throws IOException {
		Path path = this.folder.resolve("etcd.snapshot");
		List<String> keysAndValues = new ArrayList<>();
		for (int i = 30; i > 0; i--) {
			keysAndValues.addAll(List.of("/config/key-" + (char) ('a' + i % 26) + i, "value"));
		}
		new EtcdConfigSnapshotFile(path).writeNow(snapshot(3, keysAndValues.toArray(String[]::new)));
		List<String> keys = Files.readAllLines(path)
			.stream()
			.filter((line) -> line.startsWith("key "))
			.map((line) -> decode(line.split(" ")[1]))
			.toList();
		assertThat(keys).hasSize(30).isSorted();
	}

	@Test
	void theValuesOfARolloutAreKeptInTheFileWhetherItShowsThemOrNot() throws IOException {
		EtcdConfigLayout layout = EtcdConfigLayout
			.resolve(List.of(EtcdConfigProperties.DEFAULT_PREFIXES.split(",")), "orders", List.of())
			.withRolloutLayers();
		String app = "/config-apps/orders/";
		List<EtcdKeyEvent> keys = new ArrayList<>();
		for (String[] keyAndValue : new String[][] { { app + "limit", "5" }, { app + "_rollout/values/limit", "7" },
				{ app + "_rollout/values/only-in-rollout", "x" }, { app + "_rollout/selector",
						"{\"id\": \"r-1\", \"seed\": \"s\", \"rules\": [{\"instances\": [\"orders-1\"]}]}" } }) {
			keys.add(EtcdKeyEvent.put(keyAndValue[0].getBytes(StandardCharsets.UTF_8),
					keyAndValue[1].getBytes(StandardCharsets.UTF_8), 9));
		}
		// Changed as a watch changes it, in both layers.
		EtcdConfigSnapshot hidden = EtcdConfigSnapshot.of(layout, 9, keys, (problem) -> {
		})
			.apply(List.of(EtcdKeyEvent.put((app + "added").getBytes(StandardCharsets.UTF_8), new byte[] { 'a' }, 10),
					EtcdKeyEvent.put((app + "_rollout/values/added-in-rollout").getBytes(StandardCharsets.UTF_8),
							new byte[] { 'b' }, 10)),
					10, (problem) -> {
					})
			.snapshot();
		EtcdConfigSnapshot shown = hidden.withIdentity(new EtcdInstanceIdentity("orders-1", Map.of())).snapshot();
		assertThat(hidden.getProperty("only-in-rollout")).isNull();
		assertThat(shown.getProperty("only-in-rollout")).isEqualTo("x");
		for (EtcdConfigSnapshot snapshot : List.of(hidden, shown)) {
			EtcdConfigSnapshotFile file = new EtcdConfigSnapshotFile(this.folder.resolve("etcd.snapshot"));
			file.writeNow(snapshot);
			List<String> held = new ArrayList<>();
			file.read(layout, (problem) -> {
			}).forEachKey((key, value, modRevision) -> held.add(key));
			assertThat(held).containsExactlyInAnyOrder(app + "limit", app + "added", app + "_rollout/values/limit",
					app + "_rollout/values/only-in-rollout", app + "_rollout/values/added-in-rollout",
					app + "_rollout/selector");
		}
	}

	@Test
	void aFileWithItsKeysInAnyOrderReadsBack() throws IOException {
		Path path = this.folder.resolve("etcd.snapshot");
		new EtcdConfigSnapshotFile(path).writeNow(snapshot(3, "/config/a", "1", "/config/b", "2", "/config/c", "3"));
		List<String> lines = new ArrayList<>(Files.readAllLines(path));
		List<String> keys = new ArrayList<>(lines.subList(3, 6));
		Collections.reverse(keys);
		withBody(path, lines.subList(0, 3), keys, "end 3");
		EtcdConfigSnapshot read = new EtcdConfigSnapshotFile(path).read(LAYOUT, (problem) -> {
		});
		assertThat(read.getProperty("a")).isEqualTo("1");
		assertThat(read.getProperty("c")).isEqualTo("3");
		assertThat(read.getKeyCount()).isEqualTo(3);
	}

	@Test
	void aLineThatDoesNotParseIsRejectedEvenWithAMatchingChecksum() throws IOException {
		Path path = this.folder.resolve("etcd.snapshot");
		new EtcdConfigSnapshotFile(path).writeNow(snapshot(3, "/config/a", "1"));
		List<String> lines = Files.readAllLines(path);
		withBody(path, lines.subList(0, 3), List.of("key " + lines.get(3).split(" ")[1] + " 3x " + "MQ=="), "end 1");
		assertThatIOException().isThrownBy(() -> new EtcdConfigSnapshotFile(path).read(LAYOUT, (problem) -> {
		})).withMessageContaining("a line does not parse");
	}

	@Test
	void aKeyCountThatIsNoNumberIsRejected() throws IOException {
		Path path = this.folder.resolve("etcd.snapshot");
		new EtcdConfigSnapshotFile(path).writeNow(snapshot(3, "/config/a", "1"));
		List<String> lines = Files.readAllLines(path);
		withBody(path, lines.subList(0, 3), lines.subList(3, 4), "end x");
		assertThatIOException().isThrownBy(() -> new EtcdConfigSnapshotFile(path).read(LAYOUT, (problem) -> {
		})).withMessageContaining("rejected");
	}

	// Rewrites the file with these lines and a trailer whose checksum matches them.
	private static void withBody(Path path, List<String> head, List<String> keys, String trailer) throws IOException {
		StringBuilder body = new StringBuilder();
		head.forEach((line) -> body.append(line).append('\n'));
		keys.forEach((line) -> body.append(line).append('\n'));
		byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
		try {
			String checksum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
			Files.writeString(path, body + trailer + " " + checksum + "\n");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String decode(String base64) {
		return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
	}

	@Test
	void theFileCanBeReadByItsOwnerOnly() throws IOException {
		Path path = this.folder.resolve("etcd.snapshot");
		new EtcdConfigSnapshotFile(path).writeNow(snapshot(1, "/config/password", "s3cr3t"));
		assertThat(Files.getPosixFilePermissions(path)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
	}

	@Test
	void aTruncatedFileIsRejectedAsAWhole() throws IOException {
		Path path = this.folder.resolve("etcd.snapshot");
		new EtcdConfigSnapshotFile(path).writeNow(snapshot(7, "/config/a", "1", "/config/b", "2"));
		byte[] content = Files.readAllBytes(path);
		Files.write(path, java.util.Arrays.copyOf(content, content.length - 20));
		assertThatIOException().isThrownBy(() -> new EtcdConfigSnapshotFile(path).read(LAYOUT, (problem) -> {
		})).withMessageContaining(path.toString()).withMessageContaining("rejected");
	}

	@Test
	void anAlteredFileIsRejectedAsAWhole() throws IOException {
		Path path = this.folder.resolve("etcd.snapshot");
		new EtcdConfigSnapshotFile(path).writeNow(snapshot(7, "/config/a", "1"));
		String text = Files.readString(path).replace("revision 7", "revision 8");
		Files.writeString(path, text);
		assertThatIOException().isThrownBy(() -> new EtcdConfigSnapshotFile(path).read(LAYOUT, (problem) -> {
		})).withMessageContaining("checksum");
	}

	@Test
	void aFileForOtherPrefixesIsRejected() throws IOException {
		Path path = this.folder.resolve("etcd.snapshot");
		new EtcdConfigSnapshotFile(path).writeNow(snapshot(7, "/config/a", "1"));
		EtcdConfigLayout other = EtcdConfigLayout.resolve(List.of("/other/"), null, List.of());
		assertThatIOException().isThrownBy(() -> new EtcdConfigSnapshotFile(path).read(other, (problem) -> {
		})).withMessageContaining("prefixes");
	}

	@Test
	void aFileThatCannotBeReadIsRejectedWithTheReason() {
		Path path = this.folder.resolve("etcd.snapshot");
		EtcdConfigSnapshotFile file = new EtcdConfigSnapshotFile(path,
				(target) -> FileChannel.open(target, StandardOpenOption.WRITE), (target) -> {
					throw new AccessDeniedException(target.toString());
				});
		assertThatIOException().isThrownBy(() -> file.read(LAYOUT, (problem) -> {
		})).withMessageContaining("permission denied");
	}

	@Test
	void aFailedWriteOnAFullDiskKeepsThePreviousFile() throws IOException {
		Path path = this.folder.resolve("etcd.snapshot");
		new EtcdConfigSnapshotFile(path).writeNow(snapshot(1, "/config/a", "old"));
		byte[] before = Files.readAllBytes(path);
		EtcdConfigSnapshotFile full = new EtcdConfigSnapshotFile(path, (target) -> new FullDisk(target),
				Files::readAllBytes);
		assertThatIOException().isThrownBy(() -> full.writeNow(snapshot(2, "/config/a", "new")))
			.withMessageContaining("No space left on device");
		assertThat(Files.readAllBytes(path)).isEqualTo(before);
		try (var files = Files.list(this.folder)) {
			assertThat(files).containsExactly(path);
		}
	}

	/**
	 * A channel that accepts a few bytes and then fails like a full disk.
	 */
	private static final class FullDisk extends FileChannel {

		private final FileChannel delegate;

		FullDisk(Path target) throws IOException {
			this.delegate = FileChannel.open(target, Set.of(StandardOpenOption.WRITE));
		}

		@Override
		public int write(ByteBuffer source) throws IOException {
			if (this.delegate.position() > 10) {
				throw new IOException("No space left on device");
			}
			ByteBuffer few = source.slice().limit(Math.min(source.remaining(), 11));
			int written = this.delegate.write(few);
			source.position(source.position() + written);
			return written;
		}

		@Override
		public int read(ByteBuffer destination) throws IOException {
			return this.delegate.read(destination);
		}

		@Override
		public long read(ByteBuffer[] destinations, int offset, int length) throws IOException {
			return this.delegate.read(destinations, offset, length);
		}

		@Override
		public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
			throw new IOException("No space left on device");
		}

		@Override
		public long position() throws IOException {
			return this.delegate.position();
		}

		@Override
		public FileChannel position(long newPosition) throws IOException {
			this.delegate.position(newPosition);
			return this;
		}

		@Override
		public long size() throws IOException {
			return this.delegate.size();
		}

		@Override
		public FileChannel truncate(long size) throws IOException {
			this.delegate.truncate(size);
			return this;
		}

		@Override
		public void force(boolean metaData) throws IOException {
			this.delegate.force(metaData);
		}

		@Override
		public long transferTo(long position, long count, java.nio.channels.WritableByteChannel target)
				throws IOException {
			return this.delegate.transferTo(position, count, target);
		}

		@Override
		public long transferFrom(java.nio.channels.ReadableByteChannel source, long position, long count)
				throws IOException {
			return this.delegate.transferFrom(source, position, count);
		}

		@Override
		public int read(ByteBuffer destination, long position) throws IOException {
			return this.delegate.read(destination, position);
		}

		@Override
		public int write(ByteBuffer source, long position) throws IOException {
			throw new IOException("No space left on device");
		}

		@Override
		public java.nio.MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
			return this.delegate.map(mode, position, size);
		}

		@Override
		public java.nio.channels.FileLock lock(long position, long size, boolean shared) throws IOException {
			return this.delegate.lock(position, size, shared);
		}

		@Override
		public java.nio.channels.FileLock tryLock(long position, long size, boolean shared) throws IOException {
			return this.delegate.tryLock(position, size, shared);
		}

		@Override
		protected void implCloseChannel() throws IOException {
			this.delegate.close();
		}

	}

}
