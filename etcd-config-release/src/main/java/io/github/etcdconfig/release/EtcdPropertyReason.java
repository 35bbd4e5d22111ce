package io.github.etcdconfig.release;

/**
 * Why an instance refuses one property: its name and the reason, never its value.
 *
 * @param name the property, such as {@code server.port}
 * @param reason why, such as {@code must be greater than or equal to 1}
 */
public record EtcdPropertyReason(String name, String reason) {

	@Override
	public String toString() {
		return (this.reason != null) ? this.name + " (" + this.reason + ")" : this.name;
	}

}
