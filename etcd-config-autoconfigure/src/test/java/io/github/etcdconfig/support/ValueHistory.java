package io.github.etcdconfig.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.etcdconfig.config.EtcdPropertyChange;
import io.github.etcdconfig.refresh.EtcdConfigChangedEvent;

import org.springframework.context.ApplicationListener;

/**
 * Every value one property took in the application, in order, as the change events
 * reported them.
 */
public final class ValueHistory implements ApplicationListener<EtcdConfigChangedEvent> {

	private final String name;

	private final List<String> values = new CopyOnWriteArrayList<>();

	public ValueHistory(String name) {
		this.name = name;
	}

	@Override
	public void onApplicationEvent(EtcdConfigChangedEvent event) {
		for (EtcdPropertyChange change : event.getChanges()) {
			if (change.name().equals(this.name)) {
				this.values.add(String.valueOf(change.newValue()));
			}
		}
	}

	public List<String> values() {
		return this.values;
	}

	/**
	 * Whether the numeric values only ever grew.
	 */
	public boolean neverWentBack() {
		long previous = Long.MIN_VALUE;
		for (String value : this.values) {
			long current = Long.parseLong(value);
			if (current < previous) {
				return false;
			}
			previous = current;
		}
		return true;
	}

}
