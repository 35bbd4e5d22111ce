package io.github.etcdconfig.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.client.EtcdProperties;
import io.github.etcdconfig.ranges.EtcdKeyEvent;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store's start-up read and the snapshot file, against an etcd that answers nothing.
 */
class EtcdConfigStoreLoaderTests {

	private static final EtcdConfigLayout LAYOUT = EtcdConfigLayout.resolve(List.of("/config/"), null, List.of());

	@TempDir
	Path folder;

	@Test
	void aStartFromTheSnapshotFileWhileEtcdAnswersNothingReadsTheFileOnce() throws IOException {
		Path path = this.folder.resolve("etcd.snapshot");
		new EtcdConfigSnapshotFile(path).writeNow(EtcdConfigSnapshot.of(LAYOUT, 7,
				List.of(EtcdKeyEvent.put(bytes("/config/database/host"), bytes("postgres"), 7)), (problem) -> {
				}));
		AtomicInteger reads = new AtomicInteger();
		// The catch-up reads it first, then finds etcd silent; the start without etcd
		// takes what it read.
		EtcdConfigSnapshotFile file = new EtcdConfigSnapshotFile(path,
				(target) -> FileChannel.open(target, StandardOpenOption.WRITE), (source) -> {
					reads.incrementAndGet();
					return Files.readAllBytes(source);
				});
		// A port that accepts connections and never answers: etcd silent.
		try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			EtcdProperties connection = new EtcdProperties();
			connection.setEndpoints(List.of(URI.create("http://127.0.0.1:" + silent.getLocalPort())));
			connection.setRequestTimeout(Duration.ofMillis(300));
			EtcdConfigProperties config = new EtcdConfigProperties();
			config.getRetry().setMaxRetries(1);
			config.getRetry().setDelay(Duration.ofMillis(10));
			EtcdConfigDataResource resource = new EtcdConfigDataResource(connection, config, LAYOUT, null, false);
			try (EtcdConfigStore store = new EtcdConfigStore(resource,
					Client.builder().endpoints(connection.getEndpoints().toArray(URI[]::new)).build(),
					EtcdConfigSnapshot.empty(LAYOUT, 0), file)) {
				EtcdConfigStoreLoader.readAtStartup(store, LogFactory.getLog(EtcdConfigStoreLoaderTests.class));

				assertThat(store.isFromSnapshotFile()).isTrue();
				assertThat(store.getSnapshot().getProperty("database.host")).isEqualTo("postgres");
				assertThat(reads).hasValue(1);
			}
		}
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
