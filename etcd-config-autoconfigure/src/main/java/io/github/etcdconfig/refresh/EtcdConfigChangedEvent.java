package io.github.etcdconfig.refresh;

import java.util.List;

import io.github.etcdconfig.config.EtcdPropertyChange;

import org.springframework.context.ApplicationEvent;

/**
 * Published after a change from etcd reached the application: the Environment has the new
 * values, bound beans are rebound and refresh-scoped beans refreshed. Carries the etcd
 * revision and, for each property, its etcd key and old and new value.
 * {@link #toString()} never shows values, which may be secrets.
 */
public class EtcdConfigChangedEvent extends ApplicationEvent {

	private final String sourceName;

	private final long revision;

	private final List<EtcdPropertyChange> changes;

	/**
	 * Create an event.
	 * @param source the application context
	 * @param sourceName the name of the etcd property source
	 * @param revision the etcd revision now applied
	 * @param changes the changed properties
	 */
	public EtcdConfigChangedEvent(Object source, String sourceName, long revision, List<EtcdPropertyChange> changes) {
		super(source);
		this.sourceName = sourceName;
		this.revision = revision;
		this.changes = List.copyOf(changes);
	}

	public String getSourceName() {
		return this.sourceName;
	}

	public long getRevision() {
		return this.revision;
	}

	public List<EtcdPropertyChange> getChanges() {
		return this.changes;
	}

	@Override
	public String toString() {
		return "EtcdConfigChangedEvent[revision=" + this.revision + ", changes=" + this.changes + "]";
	}

}
