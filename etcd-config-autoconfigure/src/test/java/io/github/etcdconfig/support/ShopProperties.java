package io.github.etcdconfig.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * shop.* with the types and constraints a release can break: numbers, a Duration, a
 * DataSize, an enum, a list, {@code @Min}, {@code @NotBlank} and a validated nested bean.
 * Volatile, because tests read it from other threads while it is rebound or verified.
 */
@ConfigurationProperties("shop")
@Validated
public class ShopProperties {

	@Min(1)
	private volatile int poolSize = 4;

	private volatile Duration timeout = Duration.ofSeconds(5);

	private volatile DataSize buffer = DataSize.ofKilobytes(64);

	private volatile Mode mode = Mode.FAST;

	@NotBlank
	private volatile String name = "shop";

	private volatile List<Integer> ports = new ArrayList<>(List.of(8080));

	@Valid
	private final Nested nested = new Nested();

	public int getPoolSize() {
		return this.poolSize;
	}

	public void setPoolSize(int poolSize) {
		this.poolSize = poolSize;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public DataSize getBuffer() {
		return this.buffer;
	}

	public void setBuffer(DataSize buffer) {
		this.buffer = buffer;
	}

	public Mode getMode() {
		return this.mode;
	}

	public void setMode(Mode mode) {
		this.mode = mode;
	}

	public String getName() {
		return this.name;
	}

	public void setName(String name) {
		this.name = name;
	}

	public List<Integer> getPorts() {
		return this.ports;
	}

	public void setPorts(List<Integer> ports) {
		this.ports = ports;
	}

	public Nested getNested() {
		return this.nested;
	}

	/** How the shop runs. */
	public enum Mode {

		/** Fast. */
		FAST,

		/** Safe. */
		SAFE

	}

	/** A nested bean with a constraint of its own. */
	public static class Nested {

		@Max(10)
		private volatile int level = 1;

		public int getLevel() {
			return this.level;
		}

		public void setLevel(int level) {
			this.level = level;
		}

	}

}
