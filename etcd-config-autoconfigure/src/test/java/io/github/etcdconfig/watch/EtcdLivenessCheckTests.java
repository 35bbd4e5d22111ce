package io.github.etcdconfig.watch;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.github.etcdconfig.ranges.EtcdKeyEvent;
import io.github.etcdconfig.ranges.EtcdKeyRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EtcdLivenessCheck}: when a check runs, and when an unanswered one
 * counts as an outage.
 */
class EtcdLivenessCheckTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final ManualScheduler scheduler = new ManualScheduler();

	private final List<CompletableFuture<GetResponse>> requests = new ArrayList<>();

	private final AtomicLong responses = new AtomicLong();

	private final List<Throwable> failures = new ArrayList<>();

	private final EtcdLivenessCheck check = new EtcdLivenessCheck(kv(), TIMEOUT, Runnable::run, this.scheduler,
			this.responses::get);

	@Test
	void checksComeAtTheIntervalSpreadByUpToHalfOfItEitherWay() {
		Duration interval = Duration.ofSeconds(30);
		assertThat(EtcdLivenessCheck.nextDelay(interval, 0)).isEqualTo(TimeUnit.SECONDS.toNanos(15));
		assertThat(EtcdLivenessCheck.nextDelay(interval, 0.5)).isEqualTo(TimeUnit.SECONDS.toNanos(30));
		assertThat(EtcdLivenessCheck.nextDelay(interval, Math.nextDown(1.0)))
			.isLessThanOrEqualTo(TimeUnit.SECONDS.toNanos(45));
	}

	@Test
	void aCheckUnansweredWithinTheTimeoutIsAFailure() {
		this.check.run(List.of(session()), result());
		this.scheduler.advance(TIMEOUT.toNanos());
		assertThat(this.failures).singleElement()
			.extracting(Throwable::getMessage)
			.asString()
			.contains("did not answer within 5000 ms");
	}

	@Test
	void aCheckUnansweredWhileWatchResponsesArriveIsNoFailure() {
		this.check.run(List.of(session()), result());
		this.responses.incrementAndGet();
		this.scheduler.advance(TIMEOUT.toNanos());
		assertThat(this.failures).isEmpty();
	}

	@Test
	void noOtherCheckIsSentWhileOneIsUnanswered() {
		assertThat(this.check.run(List.of(session()), result())).isTrue();
		this.scheduler.advance(TIMEOUT.toNanos());
		assertThat(this.check.run(List.of(session()), result())).isFalse();
		assertThat(this.requests).hasSize(1);
	}

	private EtcdWatchSession session() {
		return new EtcdWatchSession(EtcdKeyRange.prefix("/config/"), 10, new NoCallbacks());
	}

	private EtcdLivenessCheck.Result result() {
		return new EtcdLivenessCheck.Result() {

			@Override
			public void answered(EtcdWatchSession session, long etcdRevision, long newest) {
			}

			@Override
			public void failed(EtcdWatchSession session, Throwable error) {
				EtcdLivenessCheckTests.this.failures.add(error);
			}

		};
	}

	// A KV whose gets stay unanswered until the test completes them.
	private KV kv() {
		return (KV) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { KV.class },
				(proxy, method, args) -> {
					if (!method.getName().equals("get")) {
						throw new UnsupportedOperationException(method.getName());
					}
					CompletableFuture<GetResponse> request = new CompletableFuture<>();
					this.requests.add(request);
					return request;
				});
	}

	private static final class NoCallbacks implements EtcdWatchSession.Callbacks {

		@Override
		public void watching(EtcdWatchSession session) {
		}

		@Override
		public void events(List<EtcdKeyEvent> events, long revision) {
		}

		@Override
		public void broken(EtcdWatchSession session, Throwable error) {
		}

		@Override
		public void compacted(EtcdWatchSession session, long compactedRevision) {
		}

	}

}
