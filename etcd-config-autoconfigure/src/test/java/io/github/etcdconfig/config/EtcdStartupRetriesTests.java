package io.github.etcdconfig.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.github.etcdconfig.client.EtcdClientFactory;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The start-up load when etcd answers some calls too late, as in a fleet that starts at
 * once: an attempt goes on from the page that failed, a page that timed out is asked for
 * with fewer keys, the retries go on while pages keep arriving, a restart from the
 * snapshot file keeps to etcd's history, and a load that reads nothing still fails. The
 * calls that "do not answer" are held back by the client: etcd itself is real.
 */
class EtcdStartupRetriesTests {

	private static final Log log = LogFactory.getLog(EtcdStartupRetriesTests.class);

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	@TempDir
	Path folder;

	private EtcdKeys keys;

	private final List<Get> gets = new CopyOnWriteArrayList<>();

	private final List<EtcdConfigStores> loaded = new CopyOnWriteArrayList<>();

	// The revision of the change a restart finds (startThenChangeAKey).
	private long changed;

	// The gets (from 1) that fail at once, as they do while jetcd closes.
	private IntPredicate refused = (call) -> false;

	@BeforeEach
	void seed() {
		this.keys = new EtcdKeys(etcd.cluster().newClient());
		this.keys.deletePrefix("/config/");
		String[] batch = new String[100];
		for (int i = 0; i < 50; i++) {
			batch[2 * i] = String.format("/config/retries/key-%02d", i);
			batch[2 * i + 1] = "value-" + i;
		}
		this.keys.putAll(batch);
	}

	@AfterEach
	void close() {
		this.loaded.forEach(EtcdConfigStores::destroy);
		this.keys.close();
	}

	@Test
	void aRetryGoesOnFromThePageThatFailedAtTheSameRevision() {
		// The second page of keys does not answer the first time it is asked for.
		EtcdConfigStore store = load(settings(), (call) -> call == 3);
		assertThat(store.getSnapshot().getKeyCount()).isEqualTo(50);
		assertThat(this.gets.stream().filter(Get::countOnly)).hasSize(1);
		assertThat(this.gets.stream().filter((get) -> !get.countOnly() && get.from().equals("/config/"))).hasSize(1);
		assertThat(this.gets.stream().filter((get) -> !get.countOnly()).map(Get::revision).distinct()).hasSize(1);
	}

	@Test
	void aPageThatTimedOutIsAskedForAgainWithAQuarterOfItsKeys() {
		load(settings(), (call) -> call == 3);
		assertThat(this.gets.get(3).limit()).isEqualTo(this.gets.get(2).limit() / 4);
		assertThat(this.gets.get(2).from()).isEqualTo(this.gets.get(3).from());
	}

	@Test
	void aPageAskedForAheadThatFailsAtOnceDoesNotLoseThePageBeforeIt() {
		// The second page is asked for before the first is handed over, and fails at
		// once.
		this.refused = (call) -> call == 3;
		EtcdConfigStore store = load(settings(), (call) -> false);
		assertThat(store.getSnapshot().getKeyCount()).isEqualTo(50);
		assertThat(store.getSnapshot().getProperty("retries.key-00")).isEqualTo("value-0");
	}

	@Test
	void thePagesAfterOneThatTimedOutGrowBackByDoublingAsTheyAnswer() {
		// Values of 64 KB make the second page 16 keys; it does not answer, and is asked
		// for again with 4. The pages after it ask for 8, then 16 again.
		putValuesOf64Kb();
		load(settings(), (call) -> call == 3);
		long answered = this.gets.get(3).limit();
		assertThat(answered).isEqualTo(this.gets.get(2).limit() / 4);
		assertThat(this.gets.subList(4, this.gets.size())).extracting(Get::limit)
			.startsWith(2 * answered, 4 * answered);
	}

	@Test
	void theRetriesGoOnWhilePagesKeepArriving() {
		// Values of 64 KB keep the pages to about 16 keys; every other page does not
		// answer, so each budget of two attempts reads one page of the four.
		putValuesOf64Kb();
		Map<String, String> settings = settings();
		settings.put("etcd.config.retry.max-retries", "1");
		EtcdConfigStore store = load(settings, (call) -> call > 1 && call % 2 == 1);
		assertThat(store.getSnapshot().getKeyCount()).isEqualTo(50);
		assertThat(this.gets.stream().filter((get) -> !get.countOnly())).hasSizeGreaterThan(4);
	}

	@Test
	void aLoadThatReadsNothingInAWholeBudgetStillFailsNamingTheTimeout() {
		Map<String, String> settings = settings();
		settings.put("etcd.config.retry.max-retries", "2");
		assertThatExceptionOfType(EtcdConfigLoadException.class).isThrownBy(() -> load(settings, (call) -> call > 1))
			.withMessageContaining("etcd.request-timeout");
	}

	@Test
	void anInterruptEndsTheStartUpAtOnceWithTheThreadStillInterrupted() {
		// The second page does not answer; the load is interrupted while it waits.
		AtomicReference<Throwable> failure = new AtomicReference<>();
		AtomicBoolean interrupted = new AtomicBoolean();
		Thread starting = new Thread(() -> {
			try {
				load(settings(), (call) -> call == 3);
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
			interrupted.set(Thread.currentThread().isInterrupted());
		});
		starting.start();
		await().until(() -> this.gets.size() == 3);
		starting.interrupt();
		await().until(() -> !starting.isAlive());
		assertThat(failure.get()).isInstanceOf(EtcdConfigLoadException.class);
		assertThat(interrupted).isTrue();
	}

	@Test
	void aRestartFromTheSnapshotFileTriesEtcdsHistoryAgainRatherThanReadingEveryKey() {
		Map<String, String> settings = settings();
		startThenChangeAKey(settings);
		// etcd's revision, the catch-up's first step, does not answer the first time.
		EtcdConfigStore store = load(settings, (call) -> call == 1);
		assertHoldsTheChange(store);
		assertThat(this.gets).hasSize(2).allMatch(Get::countOnly);
	}

	@Test
	void aRestartFromTheSnapshotFileKeepsEtcdsRevisionAndTriesOnWhileTheHistoryIsLate() {
		Map<String, String> settings = settings();
		// One attempt per budget: the history's first watch does not answer within it.
		settings.put("etcd.config.retry.max-retries", "0");
		startThenChangeAKey(settings);
		EtcdConfigStore store = load(settings, (call) -> false, (watch) -> watch == 1);
		assertHoldsTheChange(store);
		assertThat(this.gets).singleElement().matches(Get::countOnly);
	}

	@Test
	void aRestartFromTheSnapshotFileReadsEveryKeyWhenEtcdAnswersButItsHistoryNever() {
		Map<String, String> settings = settings();
		settings.put("etcd.config.retry.max-retries", "1");
		startThenChangeAKey(settings);
		// etcd's revision answers; no watch of its history ever sends an event.
		EtcdConfigStore store = load(settings, (call) -> false, (watch) -> true);
		assertThat(store.isFromSnapshotFile()).isFalse();
		assertHoldsTheChange(store);
		assertThat(this.gets.stream().filter((get) -> !get.countOnly())).isNotEmpty();
	}

	// Values of 64 KB keep a page to about 16 keys.
	private void putValuesOf64Kb() {
		for (int i = 0; i < 50; i++) {
			this.keys.put(String.format("/config/retries/key-%02d", i), new byte[64 * 1024]);
		}
	}

	/**
	 * Load once with a snapshot file, then change a key in etcd: what a restart finds.
	 */
	private void startThenChangeAKey(Map<String, String> settings) {
		settings.put("etcd.config.snapshot.path", this.folder.resolve("etcd.snapshot").toString());
		load(settings, (call) -> false);
		this.loaded.remove(0).destroy();
		this.changed = this.keys.put("/config/retries/key-07", "changed since the file");
		this.gets.clear();
	}

	private void assertHoldsTheChange(EtcdConfigStore store) {
		assertThat(store.getSnapshot().getProperty("retries.key-07")).isEqualTo("changed since the file");
		assertThat(store.getSnapshot().getRevision()).isGreaterThanOrEqualTo(this.changed);
	}

	private static Map<String, String> settings() {
		Map<String, String> settings = new HashMap<>();
		settings.put("etcd.endpoints", etcd.cluster().endpointsProperty());
		settings.put("etcd.config.prefixes", "/config/");
		settings.put("etcd.config.page-size", "10");
		settings.put("etcd.request-timeout", "300ms");
		settings.put("etcd.config.retry.delay", "10ms");
		settings.put("etcd.config.retry.max-delay", "50ms");
		settings.put("etcd.config.retry.timeout", "60s");
		return settings;
	}

	/**
	 * Load through the starter's own start-up, with a client whose n-th get (from 1) is
	 * held back when the predicate says so: it never answers, as a call that etcd or a
	 * busy client does not serve in time.
	 */
	private EtcdConfigStore load(Map<String, String> settings, IntPredicate heldBack) {
		return load(settings, heldBack, (watch) -> false);
	}

	/**
	 * Load as {@link #load(Map, IntPredicate)} does, with the n-th watch (from 1) held
	 * back too: it never sends an event.
	 */
	private EtcdConfigStore load(Map<String, String> settings, IntPredicate heldBack, IntPredicate heldBackWatch) {
		EtcdConfigDataResource resource = EtcdConfigDataResource
			.create(new Binder(new MapConfigurationPropertySource(settings)), "", List.of(), false);
		DefaultBootstrapContext bootstrap = new DefaultBootstrapContext();
		AtomicInteger calls = new AtomicInteger();
		AtomicInteger watches = new AtomicInteger();
		bootstrap.register(EtcdClientFactory.class, InstanceSupplier.of((connection, properties) -> {
			Client client = EtcdClientFactory.standard(List.of()).create(connection, properties);
			return holdingBack(client, heldBack, calls, heldBackWatch, watches);
		}));
		EtcdConfigStores stores = EtcdConfigStores.get(bootstrap);
		this.loaded.add(stores);
		return stores.load(resource, log);
	}

	private Client holdingBack(Client client, IntPredicate heldBack, AtomicInteger calls, IntPredicate heldBackWatch,
			AtomicInteger watches) {
		Watch watch = client.getWatchClient();
		Watch holdingWatch = proxy(Watch.class, (method, args) -> {
			if (method.getName().equals("watch") && heldBackWatch.test(watches.incrementAndGet())) {
				return proxy(Watch.Watcher.class, (watcherMethod,
						watcherArgs) -> (watcherMethod.getReturnType() == boolean.class) ? false : null);
			}
			return invoke(method, watch, args);
		});
		KV kv = client.getKVClient();
		KV holding = proxy(KV.class, (method, args) -> {
			if (!method.getName().equals("get") || args.length != 2) {
				return invoke(method, kv, args);
			}
			GetOption option = (GetOption) args[1];
			this.gets.add(new Get(((ByteSequence) args[0]).toString(StandardCharsets.UTF_8), option.isCountOnly(),
					option.getLimit(), option.getRevision()));
			int call = calls.incrementAndGet();
			if (this.refused.test(call)) {
				throw new RejectedExecutionException("the client is closing");
			}
			return heldBack.test(call) ? new CompletableFuture<>() : invoke(method, kv, args);
		});
		return proxy(Client.class, (method, args) -> switch (method.getName()) {
			case "getKVClient" -> holding;
			case "getWatchClient" -> holdingWatch;
			default -> invoke(method, client, args);
		});
	}

	@SuppressWarnings("unchecked")
	private static <T> T proxy(Class<T> type, Handler handler) {
		return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
				(proxy, method, args) -> handler.handle(method, (args != null) ? args : new Object[0]));
	}

	private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	@FunctionalInterface
	private interface Handler {

		Object handle(Method method, Object[] args) throws Throwable;

	}

	/**
	 * A get the client sent.
	 *
	 * @param from the key it starts at
	 * @param countOnly whether it asks for etcd's revision only
	 * @param limit the keys asked for
	 * @param revision the revision asked for, 0 for the latest
	 */
	private record Get(String from, boolean countOnly, long limit, long revision) {
	}

}
