package io.github.etcdconfig.lock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The lock beside Node.js services that lock with npm etcd3 1.1.2's
 * {@code client.lock(name)}: one key, taken in a transaction only when it does not exist,
 * on a lease. With {@code etcd.lock.etcd3-prefix}, each side excludes the other.
 */
class EtcdLockEtcd3Tests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final String ETCD3_KEY = "/locks/orders";

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	Client client;

	EtcdKeys node;

	@BeforeEach
	void connect() {
		this.client = etcd.cluster().newClient();
		this.node = new EtcdKeys(etcd.cluster().newClient());
	}

	@AfterEach
	void close() {
		this.node.deletePrefix("/locks/");
		this.node.close();
		this.client.close();
	}

	@Test
	void whileTheLockIsHeldEtcd3sLockOfTheSameNameFailsAndOnceReleasedItSucceeds() throws Exception {
		EtcdLocks locks = locks("/locks/");
		EtcdLock lock = locks.obtain("orders");
		lock.lock();
		try {
			assertThat(etcd3Acquire()).as("etcd3's lock while held here").isZero();
		}
		finally {
			lock.unlock();
			locks.destroy();
		}
		long lease = etcd3Acquire();
		assertThat(lease).as("etcd3's lock once released").isNotZero();
		this.node.revoke(lease);
	}

	@Test
	void whileEtcd3HoldsTheLockAContenderWaitsAndTakesItWhenNodeReleasesIt() throws Exception {
		long nodeLease = etcd3Acquire();
		EtcdLocks locks = locks("/locks/");
		EtcdLock lock = locks.obtain("orders");
		// The lock belongs to the thread that takes it, which must give it back.
		ExecutorService holder = Executors.newSingleThreadExecutor();
		try {
			assertThat(lock.tryLock(300, TimeUnit.MILLISECONDS)).as("taken while Node holds it").isFalse();
			Future<?> waiting = holder.submit(lock::lock);
			this.node.revoke(nodeLease);
			await().atMost(Duration.ofSeconds(10)).until(waiting::isDone);
			assertThat(lock.isHeld()).isTrue();
			assertThat(etcd3Acquire()).as("etcd3's lock now held here").isZero();
			holder.submit(lock::unlock).get(10, TimeUnit.SECONDS);
		}
		finally {
			holder.shutdownNow();
			locks.destroy();
		}
	}

	@Test
	void withoutTheSettingALockLeavesEtcd3sKeyAlone() throws Exception {
		EtcdLocks locks = locks(null);
		EtcdLock lock = locks.obtain("orders");
		lock.lock();
		try {
			long lease = etcd3Acquire();
			assertThat(lease).as("etcd3's lock while held here, without the setting").isNotZero();
			this.node.revoke(lease);
		}
		finally {
			lock.unlock();
			locks.destroy();
		}
	}

	@Test
	void etcd3InNodeCannotLockWhileTheLockIsHeldHere() throws Exception {
		Path etcd3 = installEtcd3();
		EtcdLocks locks = locks("/locks/");
		EtcdLock lock = locks.obtain("orders");
		lock.lock();
		try {
			assertThat(nodeLock(etcd3)).isEqualTo("EtcdLockFailedError");
		}
		finally {
			lock.unlock();
			locks.destroy();
		}
		assertThat(nodeLock(etcd3)).isEqualTo("acquired");
	}

	private EtcdLocks locks(String etcd3Prefix) {
		EtcdLockProperties properties = new EtcdLockProperties();
		properties.setTtl(Duration.ofSeconds(3));
		properties.setEtcd3Prefix(etcd3Prefix);
		return new EtcdLocks(this.client, properties, TIMEOUT);
	}

	/**
	 * What etcd3's {@code Lock.acquire()} sends: the key, on a new lease, only when it
	 * does not exist.
	 * @return the lease that holds the key, or 0 when the key was taken
	 */
	private long etcd3Acquire() throws Exception {
		Client client = this.node.client();
		long lease = client.getLeaseClient().grant(30).get(10, TimeUnit.SECONDS).getID();
		ByteSequence key = EtcdKeys.bytes(ETCD3_KEY);
		boolean taken = client.getKVClient()
			.txn()
			.If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
			.Then(Op.put(key, EtcdKeys.bytes(""), PutOption.builder().withLeaseId(lease).build()))
			.commit()
			.get(10, TimeUnit.SECONDS)
			.isSucceeded();
		if (!taken) {
			this.node.revoke(lease);
			return 0;
		}
		return lease;
	}

	/**
	 * npm etcd3 1.1.2 in target/etcd3-node, installed on first use; the test is skipped
	 * where node or npm is missing or the install fails (no registry).
	 */
	private static Path installEtcd3() throws Exception {
		Path dir = Path.of("target/etcd3-node").toAbsolutePath();
		if (!Files.isDirectory(dir.resolve("node_modules/etcd3"))) {
			assumeThat(run(dir.getParent(), Duration.ofSeconds(20), "npm", "--version")).as("npm").isNotNull();
			Files.createDirectories(dir);
			run(dir, Duration.ofSeconds(60), "npm", "install", "--no-audit", "--no-fund", "--prefix", dir.toString(),
					"etcd3@1.1.2");
		}
		assumeThat(dir.resolve("node_modules/etcd3")).as("npm etcd3 1.1.2 installed").isDirectory();
		return dir;
	}

	/**
	 * Node's {@code client.lock('/locks/orders').acquire()}, released at once.
	 * @return "acquired", or the name of the error it failed with
	 */
	private static String nodeLock(Path etcd3) throws Exception {
		String script = """
				const { Etcd3 } = require('etcd3');
				const client = new Etcd3({ hosts: process.env.ETCD });
				client.lock(process.env.LOCK).acquire()
				  .then((lock) => lock.release().then(() => 'acquired'), (error) => error.constructor.name)
				  .then((result) => { console.log(result); client.close(); });
				""";
		assumeThat(run(etcd3, Duration.ofSeconds(20), "node", "--version")).as("node").isNotNull();
		Path file = etcd3.resolve("lock.js");
		Files.writeString(file, script);
		ProcessBuilder builder = new ProcessBuilder("node", file.toString()).directory(etcd3.toFile());
		builder.environment().put("ETCD", etcd.cluster().clientEndpoints().get(0).toString());
		builder.environment().put("LOCK", ETCD3_KEY);
		String out = run(builder, Duration.ofSeconds(30));
		assertThat(out).as("node " + file + " ended in time").isNotNull();
		return out.strip();
	}

	private static String run(Path dir, Duration timeout, String... command) throws Exception {
		return run(new ProcessBuilder(command).directory(dir.toFile()), timeout);
	}

	/**
	 * @return the standard output, or null when the command cannot be started or does not
	 * end in time
	 */
	private static String run(ProcessBuilder builder, Duration timeout) throws Exception {
		Process process;
		try {
			process = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
		}
		catch (IOException ex) {
			return null;
		}
		try {
			CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
				try {
					return process.getInputStream().readAllBytes();
				}
				catch (IOException ex) {
					return new byte[0];
				}
			});
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				return null;
			}
			return new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
		}
		finally {
			process.destroyForcibly();
		}
	}

}
