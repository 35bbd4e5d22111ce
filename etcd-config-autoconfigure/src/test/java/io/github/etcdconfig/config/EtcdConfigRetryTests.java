package io.github.etcdconfig.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.core.retry.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retries of the start-up load: instances that failed together do not retry together.
 */
class EtcdConfigRetryTests {

	@Test
	void theFirstWaitsOfInstancesThatFailedTogetherDiffer() {
		EtcdConfigProperties.Retry retry = new EtcdConfigProperties.Retry();
		Set<Long> firstWaits = new HashSet<>();
		for (int instance = 0; instance < 50; instance++) {
			RetryPolicy policy = retry.toPolicy((failure) -> true);
			firstWaits.add(policy.getBackOff().start().nextBackOff());
		}
		assertThat(firstWaits).hasSizeGreaterThan(10).allSatisfy((wait) -> assertThat(wait).isBetween(250L, 750L));
	}

	@Test
	void aDelayShorterThanTheJitterStaysValidAndBoundsIt() {
		EtcdConfigProperties.Retry retry = new EtcdConfigProperties.Retry();
		retry.setDelay(Duration.ofMillis(50));
		for (int instance = 0; instance < 50; instance++) {
			long wait = retry.toPolicy((failure) -> true).getBackOff().start().nextBackOff();
			assertThat(wait).isBetween(0L, 100L);
		}
	}

}
