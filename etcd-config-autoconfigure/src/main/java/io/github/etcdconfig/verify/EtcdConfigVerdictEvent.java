package io.github.etcdconfig.verify;

import org.springframework.context.ApplicationEvent;

/**
 * Published when this instance has judged a proposed change; the registration carries the
 * verdict to the operator tools at once. Names and reasons only, never a value.
 */
public class EtcdConfigVerdictEvent extends ApplicationEvent {

	private final EtcdConfigVerdict verdict;

	/**
	 * Create an event.
	 * @param source the application context
	 * @param verdict the verdict
	 */
	public EtcdConfigVerdictEvent(Object source, EtcdConfigVerdict verdict) {
		super(source);
		this.verdict = verdict;
	}

	public EtcdConfigVerdict getVerdict() {
		return this.verdict;
	}

	@Override
	public String toString() {
		return "EtcdConfigVerdictEvent[" + this.verdict + "]";
	}

}
