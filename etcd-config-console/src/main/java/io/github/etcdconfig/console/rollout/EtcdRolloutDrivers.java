package io.github.etcdconfig.console.rollout;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.etcdconfig.release.EtcdReleaseException;
import io.github.etcdconfig.release.EtcdReleaseWorkflow;
import io.github.etcdconfig.release.EtcdReleases;
import io.github.etcdconfig.release.EtcdRolloutResult;
import io.github.etcdconfig.release.EtcdRolloutState;
import io.github.etcdconfig.release.EtcdRolloutStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The console's drivers of staged rollouts: after a user publishes a staged rollout or
 * resumes one, a thread of its own runs the release API's driver through the workflow the
 * CLI uses ({@link EtcdReleaseWorkflow#driveRollout}, {@link EtcdReleases#rolloutDriver})
 * until the rollout completes, is rolled back, aborted or paused, as the CLI does in the
 * foreground. At most one driver per application runs in the console; the driver's lock
 * in etcd keeps a CLI and another console from driving the same rollout at once. The
 * rollout's state lives in etcd, so a driver stopped with the console leaves a rollout
 * that {@code etcd-config rollout resume} or the console's Resume button drives on.
 *
 * <p>
 * Thread-safe. Each driver is a daemon platform thread named after its application; the
 * drivers are interrupted when the console stops.
 */
@Component
public class EtcdRolloutDrivers implements DisposableBean {

	private static final Log logger = LogFactory.getLog(EtcdRolloutDrivers.class);

	private final EtcdReleaseWorkflow workflow;

	private final EtcdReleases releases;

	private final Map<String, Thread> running = new ConcurrentHashMap<>();

	private final Map<String, EtcdRolloutStatus> last = new ConcurrentHashMap<>();

	private final Map<String, String> failures = new ConcurrentHashMap<>();

	private volatile boolean stopped;

	public EtcdRolloutDrivers(EtcdReleaseWorkflow workflow, EtcdReleases releases) {
		this.workflow = workflow;
		this.releases = releases;
	}

	/**
	 * Drive an application's rollout in the background, unless this console drives it
	 * already.
	 * @param application the application
	 * @return whether a driver was started
	 */
	public boolean drive(String application) {
		if (this.stopped) {
			return false;
		}
		boolean[] started = { false };
		this.running.compute(application, (name, thread) -> {
			if (thread != null && thread.isAlive()) {
				return thread;
			}
			this.failures.remove(name);
			Thread driver = new Thread(() -> run(name), "etcd-rollout-driver-" + name);
			driver.setDaemon(true);
			driver.start();
			started[0] = true;
			return driver;
		});
		return started[0];
	}

	/**
	 * Whether this console drives an application's rollout now.
	 * @param application the application
	 * @return whether its driver runs
	 */
	public boolean isDriving(String application) {
		Thread thread = this.running.get(application);
		return thread != null && thread.isAlive();
	}

	/**
	 * What the driver of an application reported last.
	 * @param application the application
	 * @return its last report, or {@code null} when this console never drove it
	 */
	public @Nullable EtcdRolloutStatus lastStatus(String application) {
		return this.last.get(application);
	}

	/**
	 * Why the last driver of an application stopped without ending the rollout.
	 * @param application the application
	 * @return the failure, or {@code null}
	 */
	public @Nullable String failure(String application) {
		return this.failures.get(application);
	}

	private void run(String application) {
		EtcdRolloutResult.Outcome outcome = null;
		try {
			EtcdRolloutResult result = this.workflow.driveRollout(application,
					(status) -> this.last.put(application, status));
			outcome = result.outcome();
			logger.info("Staged rollout of " + application + ": " + result.outcome() + " (" + result.state() + ")");
		}
		catch (EtcdReleaseException ex) {
			if (!this.stopped) {
				// The rollout stays in etcd as it was: Resume, or the CLI, drives it on.
				logger.warn("The driver of the staged rollout of " + application + " stopped: " + ex.getMessage());
				this.failures.put(application, ex.getMessage());
			}
		}
		catch (RuntimeException ex) {
			logger.error("The driver of the staged rollout of " + application + " failed", ex);
			this.failures.put(application, String.valueOf(ex.getMessage()));
		}
		finally {
			this.running.remove(application, Thread.currentThread());
		}
		if (outcome == EtcdRolloutResult.Outcome.DETACHED) {
			driveIfResumed(application);
		}
	}

	// A Resume while this driver was letting go of a paused rollout found it still alive
	// and started none: drive the rollout on. Read after leaving the running drivers, so
	// a Resume either starts a driver itself or its state is seen here.
	private void driveIfResumed(String application) {
		try {
			if (!this.stopped && this.releases.rollout(application)
				.filter((state) -> state.status() == EtcdRolloutState.Status.RUNNING)
				.isPresent()) {
				drive(application);
			}
		}
		catch (EtcdReleaseException ex) {
			logger.warn("The staged rollout of " + application + " could not be read after its driver let go: "
					+ ex.getMessage());
		}
	}

	/**
	 * Stop every driver: each lets go of its rollout where it stands, and of its lock.
	 */
	@Override
	public void destroy() throws InterruptedException {
		this.stopped = true;
		for (Thread thread : this.running.values()) {
			thread.interrupt();
		}
		for (Thread thread : this.running.values()) {
			thread.join(5000);
		}
	}

}
