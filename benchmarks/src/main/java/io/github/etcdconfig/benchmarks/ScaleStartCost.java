package io.github.etcdconfig.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.github.etcdconfig.client.EtcdClientFactory;
import io.github.etcdconfig.client.EtcdProperties;
import io.github.etcdconfig.client.PropertiesEtcdConnectionDetails;
import io.github.etcdconfig.config.EtcdConfigDataResource;
import io.github.etcdconfig.config.EtcdConfigStores;
import io.github.etcdconfig.ranges.EtcdKeyRange;
import io.github.etcdconfig.ranges.EtcdRevisionRequest;
import io.github.etcdconfig.test.EtcdCluster;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.bootstrap.DefaultBootstrapContext;

/**
 * What one instance's start costs etcd, and how much of it is the start of a client: the
 * storm target compares a fleet's restart from snapshot files with full loads, and both
 * start a client. Measured one start at a time against a fresh 3-member cluster holding a
 * shared range, each through the starter's own start-up ({@link EtcdConfigStores#load}
 * with a new bootstrap context, as a new JVM, then closed):
 * <ul>
 * <li>a client's start alone: its connections and one {@code Maintenance.Status};</li>
 * <li>a full load of the range;</li>
 * <li>a restart from a snapshot file written before 10 keys changed (etcd's history since
 * the file).</li>
 * </ul>
 * Each with the client given the three members, as deployed (jetcd's round-robin connects
 * to every one); given the three and held to one of them ({@code etcd.load-balancing=
 * one-member}); and given one member, which each start takes in turn.
 */
final class ScaleStartCost {

	static final String CLIENT = "a client's start (connections, one Status)";

	static final String FULL_LOAD = "a full load";

	static final String FROM_FILE = "a restart from the snapshot file, 10 keys changed";

	private static final Log LOG = LogFactory.getLog(ScaleStartCost.class);

	private static final int CHANGED = 10;

	private ScaleStartCost() {
	}

	static List<ScaleCheckCost.Cost> measure(int keys, int clientStarts, int loads) throws Exception {
		List<ScaleCheckCost.Cost> costs = new ArrayList<>();
		Path folder = Files.createTempDirectory("scale-start-cost");
		try (EtcdCluster etcd = EtcdCluster.builder().members(3).build().start(); Client client = etcd.newClient()) {
			String prefix = "/scale/start/";
			KV kv = client.getKVClient();
			for (int key = 0; key < keys; key += 1_000) {
				List<CompletableFuture<?>> puts = new ArrayList<>();
				for (int i = key; i < Math.min(keys, key + 1_000); i++) {
					puts.add(kv.put(Keys.bytes(String.format("%sk%06d", prefix, i)), Keys.bytes(Keys.value(i))));
				}
				puts.forEach(Keys::await);
			}
			Path file = folder.resolve("written.snapshot");
			start(resource(etcd.endpointsProperty(), prefix, file));
			for (int i = 0; i < CHANGED; i++) {
				Keys.await(kv.put(Keys.bytes(String.format("%sk%06d", prefix, i)), Keys.bytes("changed")));
			}
			Path copy = folder.resolve("instance.snapshot");
			List<String> members = etcd.clientEndpoints().stream().map(Object::toString).toList();
			AtomicInteger turn = new AtomicInteger();
			Supplier<String> all = etcd::endpointsProperty;
			Supplier<String> inTurn = () -> members.get(turn.getAndIncrement() % members.size());
			for (Way way : List.of(new Way(", 3 members", all, EtcdProperties.LoadBalancing.ROUND_ROBIN),
					new Way(", 3 members, held to one", all, EtcdProperties.LoadBalancing.ONE_MEMBER),
					new Way(", 1 member", inTurn, EtcdProperties.LoadBalancing.ROUND_ROBIN))) {
				costs.add(ScaleCheckCost.cost(etcd, keys, CLIENT + way.name(), () -> {
					EtcdProperties connection = way.resource(prefix, null).getConnection();
					try (Client started = EtcdClientFactory.standard(List.of())
						.create(new PropertiesEtcdConnectionDetails(connection, null), connection)) {
						Keys.await(EtcdRevisionRequest.applied(started, Duration.ofSeconds(10))
							.apply(EtcdKeyRange.prefix(prefix).startKey()));
					}
					return CompletableFuture.completedFuture(null);
				}, clientStarts, clientStarts / 10));
				costs.add(ScaleCheckCost.cost(etcd, keys, FULL_LOAD + way.name(), () -> {
					start(way.resource(prefix, null));
					return CompletableFuture.completedFuture(null);
				}, loads, loads / 10));
				costs.add(ScaleCheckCost.cost(etcd, keys, FROM_FILE + way.name(), () -> {
					try {
						Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
					start(way.resource(prefix, copy));
					return CompletableFuture.completedFuture(null);
				}, loads, loads / 10));
			}
		}
		return costs;
	}

	private static EtcdConfigDataResource resource(String endpoints, String prefix, Path snapshot) {
		return ScaleInstance.resource(endpoints, "start-cost", prefix, snapshot);
	}

	/**
	 * A way to give a client the members.
	 *
	 * @param name how the table names it
	 * @param endpoints the endpoints of each start
	 * @param loadBalancing the client's {@code etcd.load-balancing}
	 */
	private record Way(String name, Supplier<String> endpoints, EtcdProperties.LoadBalancing loadBalancing) {

		EtcdConfigDataResource resource(String prefix, @Nullable Path snapshot) {
			EtcdConfigDataResource resource = ScaleStartCost.resource(this.endpoints.get(), prefix, snapshot);
			resource.getConnection().setLoadBalancing(this.loadBalancing);
			return resource;
		}

	}

	// One instance's start-up, then its close, which waits for the snapshot file's
	// writer.
	private static void start(EtcdConfigDataResource resource) {
		EtcdConfigStores stores = EtcdConfigStores.get(new DefaultBootstrapContext());
		try {
			stores.load(resource, LOG);
		}
		finally {
			stores.destroy();
		}
	}

}
