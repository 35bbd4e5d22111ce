package io.github.etcdconfig.cli.shop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The application the verified-release tests release to: a validated
 * {@code @ConfigurationProperties} bean with a property of every common type and
 * constraint, and {@code @Value}s, so that each kind of bad release has something to
 * break. Outside the CLI's packages, so nothing scans it by accident.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableConfigurationProperties(ShopApplication.ShopProperties.class)
public class ShopApplication {

	@Bean
	Greeting greeting() {
		return new Greeting();
	}

	/**
	 * What the shop shows, from {@code @Value}s.
	 */
	public static class Greeting {

		@Value("${greeting.count:1}")
		private volatile int count;

		@Value("${greeting.text:hello}")
		private volatile String text;

		public int count() {
			return this.count;
		}

		public String text() {
			return this.text;
		}

	}

	/**
	 * How fast the shop may go.
	 */
	public enum Mode {

		/** Quickly. */
		FAST,

		/** Carefully. */
		SLOW

	}

	/**
	 * The shop's settings.
	 */
	@ConfigurationProperties("shop")
	@Validated
	public static class ShopProperties {

		@Min(1)
		@Max(100)
		private int poolSize = 4;

		private long maxBytes = 1000;

		private boolean enabled = true;

		private Duration timeout = Duration.ofSeconds(5);

		private DataSize bufferSize = DataSize.ofKilobytes(64);

		private Mode mode = Mode.FAST;

		private List<Integer> ports = new ArrayList<>(List.of(8080, 8081));

		@NotBlank
		private String name = "shop";

		@Pattern(regexp = "[a-z]+")
		private String code = "abc";

		private String url = "http://localhost";

		@Valid
		private final Retry retry = new Retry();

		public int getPoolSize() {
			return this.poolSize;
		}

		public void setPoolSize(int poolSize) {
			this.poolSize = poolSize;
		}

		public long getMaxBytes() {
			return this.maxBytes;
		}

		public void setMaxBytes(long maxBytes) {
			this.maxBytes = maxBytes;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public DataSize getBufferSize() {
			return this.bufferSize;
		}

		public void setBufferSize(DataSize bufferSize) {
			this.bufferSize = bufferSize;
		}

		public Mode getMode() {
			return this.mode;
		}

		public void setMode(Mode mode) {
			this.mode = mode;
		}

		public List<Integer> getPorts() {
			return this.ports;
		}

		public void setPorts(List<Integer> ports) {
			this.ports = ports;
		}

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public String getCode() {
			return this.code;
		}

		public void setCode(String code) {
			this.code = code;
		}

		public String getUrl() {
			return this.url;
		}

		public void setUrl(String url) {
			this.url = url;
		}

		public Retry getRetry() {
			return this.retry;
		}

		/**
		 * A nested bean, validated with its parent.
		 */
		public static class Retry {

			@Min(1)
			private int attempts = 3;

			public int getAttempts() {
				return this.attempts;
			}

			public void setAttempts(int attempts) {
				this.attempts = attempts;
			}

		}

	}

}
