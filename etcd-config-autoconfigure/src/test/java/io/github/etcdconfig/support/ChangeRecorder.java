package io.github.etcdconfig.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.etcdconfig.refresh.EtcdConfigChangedEvent;

import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.event.EventListener;

/**
 * Records the change events an application sees. Import it into a test application.
 */
public class ChangeRecorder {

	private final List<EtcdConfigChangedEvent> changes = new CopyOnWriteArrayList<>();

	private final List<EnvironmentChangeEvent> environmentChanges = new CopyOnWriteArrayList<>();

	@EventListener
	void on(EtcdConfigChangedEvent event) {
		this.changes.add(event);
	}

	@EventListener
	void on(EnvironmentChangeEvent event) {
		this.environmentChanges.add(event);
	}

	public List<EtcdConfigChangedEvent> changes() {
		return this.changes;
	}

	public List<EnvironmentChangeEvent> environmentChanges() {
		return this.environmentChanges;
	}

	public EtcdConfigChangedEvent last() {
		return this.changes.get(this.changes.size() - 1);
	}

}
