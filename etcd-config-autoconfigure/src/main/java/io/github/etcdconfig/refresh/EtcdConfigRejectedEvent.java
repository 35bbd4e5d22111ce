package io.github.etcdconfig.refresh;

import java.util.List;

import org.springframework.context.ApplicationEvent;

/**
 * Published instead of {@link EtcdConfigChangedEvent} when a change from etcd could not
 * be applied cleanly: a {@code @ConfigurationProperties} bean failed to bind or validate,
 * a {@code @Value} failed to convert to its type, or a placeholder could not be resolved.
 * The beans that failed keep their previous values; the others have the new ones. The
 * revision counts as rejected until a later one applies cleanly, which is announced by an
 * {@link EtcdConfigChangedEvent}. Carries property names and reasons, never values.
 */
public class EtcdConfigRejectedEvent extends ApplicationEvent {

	private final String sourceName;

	private final EtcdConfigRejection rejection;

	/**
	 * Create an event.
	 * @param source the application context
	 * @param sourceName the name of the etcd property source
	 * @param rejection the revision and the properties that failed
	 */
	public EtcdConfigRejectedEvent(Object source, String sourceName, EtcdConfigRejection rejection) {
		super(source);
		this.sourceName = sourceName;
		this.rejection = rejection;
	}

	public String getSourceName() {
		return this.sourceName;
	}

	public EtcdConfigRejection getRejection() {
		return this.rejection;
	}

	public long getRevision() {
		return this.rejection.revision();
	}

	public List<EtcdRejectedProperty> getProperties() {
		return this.rejection.properties();
	}

	@Override
	public String toString() {
		return "EtcdConfigRejectedEvent[" + this.rejection + "]";
	}

}
