package io.github.etcdconfig.samples.configmanager;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.stereotype.Component;

/**
 * /config/api/* from etcd in a @RefreshScope bean: re-created with the new values on its
 * next call after a change. Only where Spring Cloud's refresh scope exists: it is off in
 * an application processed ahead of time or built as a native image
 * (spring.cloud.refresh.enabled=false), where @ConfigurationProperties and @Value still
 * follow etcd.
 */
@Component
@RefreshScope
@ConditionalOnBooleanProperty(name = "spring.cloud.refresh.enabled", matchIfMissing = true)
public class ApiSettings {

	private final int rateLimit;

	private final int timeout;

	public ApiSettings(@Value("${api.rate-limit:100}") int rateLimit, @Value("${api.timeout:5000}") int timeout) {
		this.rateLimit = rateLimit;
		this.timeout = timeout;
	}

	public int getRateLimit() {
		return this.rateLimit;
	}

	public int getTimeout() {
		return this.timeout;
	}

}
