package io.github.etcdconfig.lock;

import java.time.Duration;

import io.github.etcdconfig.client.EtcdValidation;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Distributed locks on etcd: where they live, how fast a dead holder's lock is freed, and
 * whether they also exclude npm etcd3's locks.
 */
@ConfigurationProperties(prefix = EtcdLockProperties.PREFIX)
public class EtcdLockProperties implements Validator {

	/** The prefix of these settings. */
	public static final String PREFIX = "etcd.lock";

	/**
	 * Whether to provide the EtcdLocks bean (and, with Spring Integration, the
	 * EtcdLockRegistry).
	 */
	private boolean enabled = true;

	/**
	 * Key prefix of the locks. Lock "orders" queues its contenders at
	 * {prefix}orders/{lease-id}.
	 */
	private String prefix = "/locks/";

	/**
	 * Time to live of a holder's lease, renewed by heartbeats every third of it while the
	 * lock is held: a holder that dies or loses etcd frees the lock after this long. etcd
	 * counts whole seconds.
	 */
	private Duration ttl = Duration.ofSeconds(10);

	/**
	 * When set, a lock also holds the key that npm etcd3's client.lock() takes for the
	 * same name, {etcd3-prefix}{name}, so that Node.js services locking with etcd3 are
	 * excluded too: with "/locks/", lock "orders" also holds the key of etcd3's
	 * client.lock('/locks/orders'). etcd3's lock does not wait, so its acquire() fails
	 * while a Java process holds the lock; a Java contender first in line waits while a
	 * Node process holds it. Off when unset.
	 */
	private @Nullable String etcd3Prefix;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPrefix() {
		return this.prefix;
	}

	public void setPrefix(String prefix) {
		this.prefix = prefix;
	}

	public Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(Duration ttl) {
		this.ttl = ttl;
	}

	public @Nullable String getEtcd3Prefix() {
		return this.etcd3Prefix;
	}

	public void setEtcd3Prefix(@Nullable String etcd3Prefix) {
		this.etcd3Prefix = etcd3Prefix;
	}

	@Override
	public boolean supports(Class<?> clazz) {
		return EtcdLockProperties.class.isAssignableFrom(clazz);
	}

	@Override
	public void validate(Object target, Errors errors) {
		EtcdLockProperties properties = (EtcdLockProperties) target;
		EtcdValidation.folder(errors, "prefix", properties.getPrefix(), "etcd.lock.prefix", "/locks/");
		EtcdValidation.leaseTtl(errors, "ttl", properties.getTtl(), "etcd.lock.ttl");
	}

}
