package io.github.etcdconfig.sample;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The sample application the console's tests release to: the starter and etcd-discovery,
 * and one bean whose {@code greeting} (and {@code greeter.repeat}, an int) comes from
 * etcd and is updated in place. Outside the console's packages, so the console never
 * scans it.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class Greeter {

	@Bean
	Greeting greeting() {
		return new Greeting();
	}

	/**
	 * What the application shows.
	 */
	public static class Greeting {

		@Value("${greeting:none}")
		private volatile String greeting;

		// How often to say it: an int, which a verified release must not break.
		@Value("${greeter.repeat:1}")
		private volatile int repeat;

		public String get() {
			return this.greeting;
		}

		public int repeat() {
			return this.repeat;
		}

	}

}
