package io.github.etcdconfig.actuate;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the {@code etcdConfig} health indicator judges the watch.
 */
@ConfigurationProperties(prefix = EtcdConfigHealthProperties.PREFIX)
public class EtcdConfigHealthProperties {

	/** The prefix of these settings. */
	public static final String PREFIX = "etcd.config.health";

	/**
	 * How long the watch may be down (reconnecting, resyncing or etcd unreachable) before
	 * the indicator reports DOWN. Until then it stays UP and shows the state and the last
	 * error, so a leader election or a rolling restart of etcd does not flap the health.
	 */
	private Duration downAfter = Duration.ofSeconds(60);

	public Duration getDownAfter() {
		return this.downAfter;
	}

	public void setDownAfter(Duration downAfter) {
		this.downAfter = downAfter;
	}

}
