package io.github.etcdconfig.refresh;

import java.util.List;

import io.github.etcdconfig.config.EtcdConfigStores;

import org.springframework.context.SmartLifecycle;

/**
 * The watchers of every etcd source the application loaded, started with the context and
 * stopped before its beans are destroyed.
 */
public class EtcdConfigWatchers implements SmartLifecycle {

	private final List<EtcdConfigWatcher> watchers;

	private volatile boolean running;

	public EtcdConfigWatchers(EtcdConfigStores stores, EtcdConfigChangeListener listener) {
		this.watchers = stores.getStores().stream().map((store) -> new EtcdConfigWatcher(store, listener)).toList();
	}

	public List<EtcdConfigWatcher> getWatchers() {
		return this.watchers;
	}

	@Override
	public void start() {
		this.watchers.forEach(EtcdConfigWatcher::start);
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.watchers.forEach(EtcdConfigWatcher::stop);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Early, so changes made while the application starts are applied before it serves,
	 * and stopped late.
	 * @return the phase
	 */
	@Override
	public int getPhase() {
		return Integer.MIN_VALUE + 1000;
	}

}
