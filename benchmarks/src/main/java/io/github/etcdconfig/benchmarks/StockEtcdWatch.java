package io.github.etcdconfig.benchmarks;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.endpoint.event.RefreshEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * The baseline's trigger: a bare jetcd watch of {@code /config/} that publishes a
 * {@link RefreshEvent} for every watch response, which Spring Cloud's
 * {@code RefreshEventListener} turns into {@code ContextRefresher.refresh()}. Published
 * from a thread of its own, as the stock integrations do: a refresh that blocks jetcd's
 * event loop would hang the client.
 */
public class StockEtcdWatch implements SmartLifecycle {

	private final ApplicationEventPublisher publisher;

	private final String endpoints;

	private Client client;

	private volatile Watch.Watcher watcher;

	private ExecutorService refresher;

	public StockEtcdWatch(ApplicationEventPublisher publisher,
			@Value("${" + StockEtcdEnvironmentPostProcessor.ENDPOINTS + "}") String endpoints) {
		this.publisher = publisher;
		this.endpoints = endpoints;
	}

	@Override
	public void start() {
		this.refresher = Executors.newSingleThreadExecutor((runnable) -> new Thread(runnable, "stock-refresh"));
		this.client = Client.builder().endpoints(this.endpoints.split(",")).build();
		this.watcher = this.client.getWatchClient()
			.watch(Keys.bytes("/config/"), WatchOption.builder().isPrefix(true).build(), (response) -> {
				if (!response.getEvents().isEmpty()) {
					this.refresher.execute(() -> {
						if (isRunning()) {
							this.publisher.publishEvent(new RefreshEvent(this, response, "etcd"));
						}
					});
				}
			});
	}

	// Waits for a refresh under way: the context must not close beneath it.
	@Override
	public void stop() {
		Watch.Watcher watcher = this.watcher;
		this.watcher = null;
		watcher.close();
		this.refresher.shutdown();
		try {
			this.refresher.awaitTermination(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.client.close();
	}

	@Override
	public boolean isRunning() {
		return this.watcher != null;
	}

}
