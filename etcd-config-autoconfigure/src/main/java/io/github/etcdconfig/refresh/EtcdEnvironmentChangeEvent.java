package io.github.etcdconfig.refresh;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.cloud.context.environment.EnvironmentChangeEvent;

/**
 * The {@link EnvironmentChangeEvent} of a change from etcd. Its keys are the changed
 * names with every name that changes with them through placeholders, worked out once by
 * the {@link EtcdConfigRefresher}; it carries them in the form the listeners decide with,
 * so that no listener expands them again. The listeners that apply it tell it what they
 * could not apply, so that the refresher knows whether the revision was applied cleanly.
 * Published and listened to on the applier thread.
 */
final class EtcdEnvironmentChangeEvent extends EnvironmentChangeEvent {

	private final transient ChangedProperties changed;

	private final transient List<EtcdRejectedProperty> rejected = new ArrayList<>();

	private final transient Set<String> rejectedScopedBeans = new LinkedHashSet<>();

	EtcdEnvironmentChangeEvent(Object context, ChangedProperties changed) {
		super(context, changed.names());
		this.changed = changed;
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

	/**
	 * Report {@code @RefreshScope} beans that creating again would fail, if the event is
	 * one of these: the refresher keeps their live instances.
	 * @param event the event being handled
	 * @param beanNames the beans' names
	 */
	static void rejectScoped(EnvironmentChangeEvent event, Collection<String> beanNames) {
		if (event instanceof EtcdEnvironmentChangeEvent etcd) {
			etcd.rejectedScopedBeans.addAll(beanNames);
		}
	}

	ChangedProperties getChanged() {
		return this.changed;
	}

	List<EtcdRejectedProperty> getRejected() {
		return this.rejected;
	}

	Set<String> getRejectedScopedBeans() {
		return this.rejectedScopedBeans;
	}

}
