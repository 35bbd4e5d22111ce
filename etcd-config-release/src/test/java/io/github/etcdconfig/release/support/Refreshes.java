package io.github.etcdconfig.release.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.etcdconfig.refresh.EtcdConfigChangedEvent;

import org.springframework.context.event.EventListener;

/**
 * A bean that records the changes from etcd an application applied, in order: a source of
 * the instances the release tests start.
 */
public class Refreshes {

	private final List<EtcdConfigChangedEvent> events = new CopyOnWriteArrayList<>();

	@EventListener
	void on(EtcdConfigChangedEvent event) {
		this.events.add(event);
	}

	public List<EtcdConfigChangedEvent> events() {
		return this.events;
	}

}
