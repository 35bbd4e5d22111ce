package io.github.etcdconfig.refresh;

/**
 * A property an instance could not apply, or would not be able to apply, and why: a
 * binding or validation failure, a value that does not convert to its type, a placeholder
 * that does not resolve. The reason names types, constraints and placeholders, never a
 * value, which may be a secret.
 *
 * @param name the property name ({@code server.port}), or the bean and member when no
 * single property can be named ({@code bean 'pool' (size)})
 * @param reason why, without the value
 */
public record EtcdRejectedProperty(String name, String reason) {

	@Override
	public String toString() {
		return this.name + ": " + this.reason;
	}

}
