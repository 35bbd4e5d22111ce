package io.github.etcdconfig.refresh;

import org.springframework.cloud.context.environment.EnvironmentChangeEvent;

/**
 * The {@link EnvironmentChangeEvent} of a change from etcd: its keys are the changed
 * names with every name that changes with them through placeholders, worked out once by
 * the {@link EtcdConfigRefresher}, and it carries them in the form the listeners decide
 * with, so that no listener expands them again.
 */
final class EtcdEnvironmentChangeEvent extends EnvironmentChangeEvent {

	private final transient ChangedProperties changed;

	EtcdEnvironmentChangeEvent(Object context, ChangedProperties changed) {
		super(context, changed.names());
		this.changed = changed;
	}

	ChangedProperties getChanged() {
		return this.changed;
	}

}
