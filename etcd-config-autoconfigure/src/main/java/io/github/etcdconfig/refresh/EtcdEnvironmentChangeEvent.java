package io.github.etcdconfig.refresh;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.springframework.cloud.context.environment.EnvironmentChangeEvent;

/**
 * An {@link EnvironmentChangeEvent} for a change from etcd, which the listeners that
 * apply it tell what they could not apply: the refresher then knows whether the revision
 * was applied cleanly. Published and listened to on the applier thread.
 */
final class EtcdEnvironmentChangeEvent extends EnvironmentChangeEvent {

	private final List<EtcdRejectedProperty> rejected = new ArrayList<>();

	EtcdEnvironmentChangeEvent(Object context, Set<String> keys) {
		super(context, keys);
	}

	/**
	 * Report properties that could not be applied, if the event is one of these.
	 * @param event the event being handled
	 * @param properties the properties and why
	 */
	static void reject(EnvironmentChangeEvent event, Collection<EtcdRejectedProperty> properties) {
		if (event instanceof EtcdEnvironmentChangeEvent etcd) {
			etcd.rejected.addAll(properties);
		}
	}

	List<EtcdRejectedProperty> getRejected() {
		return this.rejected;
	}

}
