package io.github.etcdconfig.watch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recovery policy: short, capped and jittered steps however long etcd stays away, and
 * one warning per outage.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdWatchRecoveryTests {

	private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

	private final ManualScheduler scheduler = new ManualScheduler();

	private final List<Long> steps = new ArrayList<>();

	private double random = 1.0;

	private final EtcdWatchRecovery recovery = new EtcdWatchRecovery(Duration.ofMillis(100), Duration.ofMillis(500),
			() -> this.random, this.scheduler::now, this.scheduler, () -> this.steps.add(this.scheduler.now()),
			"etcd [test]");

	@Test
	void stepsStartShortDoubleAndStopGrowingAtTheMaximum() {
		this.random = 0.999_999;
		this.recovery.failed("the watch broke");
		this.scheduler.advance(TimeUnit.MINUTES.toNanos(2));
		List<Long> gaps = new ArrayList<>();
		for (int i = 1; i < this.steps.size(); i++) {
			gaps.add((this.steps.get(i) - this.steps.get(i - 1) + MILLI / 2) / MILLI);
		}
		assertThat(this.steps.get(0) / MILLI).isEqualTo(99);
		assertThat(gaps.subList(0, 3)).containsExactly(200L, 400L, 500L);
		assertThat(gaps).allMatch((gap) -> gap <= 500);
	}

	@Test
	void eachStepIsJitteredBetweenHalfAndAllOfItsDelay() {
		this.random = 0.0;
		assertThat(this.recovery.nextDelay()).isEqualTo(50 * MILLI);
		this.random = 0.5;
		assertThat(this.recovery.nextDelay()).isEqualTo(150 * MILLI);
	}

	@Test
	void aTwoMinuteOutageStillTakesAStepEveryHalfSecondAtMost() {
		this.recovery.failed("etcd did not answer");
		this.scheduler.advance(TimeUnit.MINUTES.toNanos(2));
		long last = this.steps.get(this.steps.size() - 1);
		assertThat(this.scheduler.now() - last).isLessThanOrEqualTo(500 * MILLI);
		assertThat(this.steps).hasSizeLessThanOrEqualTo(2 * 60 * 4);
	}

	@Test
	void noStepIsTakenOnceRecovered() {
		this.recovery.failed("the watch broke");
		this.scheduler.advance(300 * MILLI);
		this.recovery.recovered();
		int taken = this.steps.size();
		this.scheduler.advance(TimeUnit.SECONDS.toNanos(5));
		assertThat(this.steps).hasSize(taken);
		assertThat(this.recovery.isActive()).isFalse();
	}

	@Test
	void anOutageIsOneWarningHoweverManyFailuresItHas(CapturedOutput output) {
		for (int i = 0; i < 100; i++) {
			this.recovery.failed("the watch broke (" + i + ")");
			this.scheduler.advance(100 * MILLI);
		}
		this.recovery.recovered();
		assertThat(output.getOut().lines().filter((line) -> line.contains("WARN"))).hasSize(1);
		assertThat(output.getOut()).contains("etcd [test] is watched again, after");
	}

	@Test
	void failuresWhileRecoveringDoNotAddSteps() {
		this.recovery.failed("the watch broke");
		this.recovery.failed("the check failed");
		this.recovery.failed("the read failed");
		this.scheduler.advance(100 * MILLI);
		assertThat(this.steps).hasSize(1);
	}

}
