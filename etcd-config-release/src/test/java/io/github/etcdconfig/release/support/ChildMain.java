package io.github.etcdconfig.release.support;

import java.util.concurrent.CountDownLatch;

import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.ChildJvm;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * What a {@link ChildJvm} of the release tests runs: an instance of an application,
 * {@code ENDPOINTS NAME [name=value...]}, that prints {@code READY} once started and runs
 * until killed, so that a test can freeze it with SIGSTOP as a hung process would be.
 */
public final class ChildMain {

	private ChildMain() {
	}

	public static void main(String[] args) throws Exception {
		String[] properties = new String[args.length - 2];
		System.arraycopy(args, 2, properties, 0, properties.length);
		ConfigurableApplicationContext app = Apps.run(args[0], args[1], new Class<?>[0], properties);
		System.out.println("READY " + app.getId());
		new CountDownLatch(1).await();
	}

}
