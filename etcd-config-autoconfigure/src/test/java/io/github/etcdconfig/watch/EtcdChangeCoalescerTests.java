package io.github.etcdconfig.watch;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.etcdconfig.ranges.EtcdKeyEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The coalescing policy: at once when the applier is idle, together when changes arrive
 * during a refresh, and over the window only when the application is flooded.
 */
class EtcdChangeCoalescerTests {

	private static final long WINDOW = TimeUnit.MILLISECONDS.toNanos(10);

	private final ManualScheduler scheduler = new ManualScheduler();

	private final List<List<Long>> refreshes = new ArrayList<>();

	private final List<Long> refreshTimes = new ArrayList<>();

	private long arrivals;

	private long revision;

	/** Changes that arrive while each refresh runs... */
	private int arrivingDuringRefresh;

	/** ...for this many refreshes. */
	private int refreshesWithArrivals = Integer.MAX_VALUE;

	private final EtcdChangeCoalescer coalescer = new EtcdChangeCoalescer(Duration.ofNanos(WINDOW), 3,
			() -> this.arrivals, this.scheduler, this.scheduler::now, this::refresh);

	private void refresh(List<EtcdKeyEvent> events, long revision) {
		this.refreshes.add(events.stream().map(EtcdKeyEvent::modRevision).toList());
		this.refreshTimes.add(this.scheduler.now());
		if (this.refreshesWithArrivals-- <= 0) {
			return;
		}
		for (int i = 0; i < this.arrivingDuringRefresh; i++) {
			// jetcd's thread counts the response at once and queues it for the applier.
			this.arrivals++;
			long next = ++this.revision;
			this.scheduler.schedule(() -> this.coalescer.add(List.of(event(next)), next), 0);
		}
	}

	private void change() {
		this.arrivals++;
		long next = ++this.revision;
		this.coalescer.add(List.of(event(next)), next);
	}

	private static EtcdKeyEvent event(long revision) {
		return EtcdKeyEvent.put("/config/k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8),
				revision);
	}

	@Test
	void aChangeThatFindsTheApplierIdleIsAppliedAtOnce() {
		change();
		this.scheduler.runDue();
		assertThat(this.refreshes).containsExactly(List.of(1L));
		assertThat(this.refreshTimes).containsExactly(0L);
	}

	@Test
	void aChangeRightAfterARefreshIsAppliedAtOnce() {
		for (int i = 0; i < 20; i++) {
			change();
			this.scheduler.runDue();
			this.scheduler.advance(TimeUnit.MICROSECONDS.toNanos(100));
		}
		assertThat(this.refreshes).hasSize(20);
		assertThat(this.scheduler.nextDelay()).isEqualTo(-1);
		assertThat(this.coalescer.isFlooded()).isFalse();
	}

	@Test
	void changesThatArriveDuringARefreshJoinTheNextOneWhichFollowsAtOnce() {
		this.arrivingDuringRefresh = 3;
		this.refreshesWithArrivals = 1;
		change();
		this.scheduler.runDue();
		assertThat(this.refreshes).containsExactly(List.of(1L), List.of(2L, 3L, 4L));
		assertThat(this.refreshTimes).containsOnly(0L);
	}

	@Test
	void aFloodedApplicationIsRefreshedAtMostOncePerWindow() {
		this.arrivingDuringRefresh = 2;
		change();
		this.scheduler.runDue();
		assertThat(this.refreshes).hasSize(3);
		assertThat(this.coalescer.isFlooded()).isTrue();
		this.scheduler.advance(WINDOW * 10);
		assertThat(this.refreshes).hasSize(13);
		for (int i = 4; i < this.refreshTimes.size(); i++) {
			assertThat(this.refreshTimes.get(i) - this.refreshTimes.get(i - 1)).isEqualTo(WINDOW);
		}
	}

	@Test
	void aWindowWithoutChangesEndsTheFlood() {
		this.arrivingDuringRefresh = 2;
		change();
		this.scheduler.runDue();
		this.arrivingDuringRefresh = 0;
		this.scheduler.advance(WINDOW * 3);
		assertThat(this.coalescer.isFlooded()).isTrue();
		long quiet = this.scheduler.now();
		change();
		this.scheduler.runDue();
		assertThat(this.refreshTimes.get(this.refreshTimes.size() - 1)).isEqualTo(quiet);
		assertThat(this.coalescer.isFlooded()).isFalse();
	}

	@Test
	void aWriterThatWaitsForEachChangeEndsTheFloodWithItsFirstChange() {
		this.arrivingDuringRefresh = 2;
		change();
		this.scheduler.runDue();
		this.arrivingDuringRefresh = 0;
		this.scheduler.advance(WINDOW + WINDOW / 2);
		assertThat(this.coalescer.isFlooded()).isTrue();
		change();
		this.scheduler.advance(WINDOW);
		assertThat(this.coalescer.isFlooded()).isFalse();
		int before = this.refreshes.size();
		for (int i = 0; i < 20; i++) {
			this.scheduler.advance(TimeUnit.MILLISECONDS.toNanos(1));
			long sent = this.scheduler.now();
			change();
			this.scheduler.runDue();
			assertThat(this.refreshTimes.get(this.refreshTimes.size() - 1)).isEqualTo(sent);
		}
		assertThat(this.refreshes).hasSize(before + 20);
	}

	@Test
	void aFloodEndsWithTheExactLastStateAppliedWithinOneWindow() {
		this.arrivingDuringRefresh = 5;
		change();
		this.scheduler.runDue();
		this.scheduler.advance(WINDOW * 5);
		this.arrivingDuringRefresh = 0;
		long last = this.revision;
		long stopped = this.scheduler.now();
		this.scheduler.advance(WINDOW * 2);
		List<Long> applied = this.refreshes.stream().flatMap(List::stream).toList();
		assertThat(applied).hasSize((int) last).endsWith(last);
		assertThat(this.refreshTimes.get(this.refreshTimes.size() - 1) - stopped).isLessThanOrEqualTo(WINDOW);
	}

	@Test
	void changesArrivingDuringEveryOtherRefreshAreAFlood() {
		this.arrivingDuringRefresh = 1;
		for (int i = 0; i < 6; i++) {
			this.refreshesWithArrivals = (i % 2 == 0) ? 1 : 0;
			change();
			this.scheduler.runDue();
			this.scheduler.advance(TimeUnit.MILLISECONDS.toNanos(1));
		}
		assertThat(this.coalescer.isFlooded()).isTrue();
	}

	@Test
	void responsesQueuedUpForRefreshesAreAFloodEvenWhenNoneArrivesDuringOne() {
		for (int i = 0; i < 3; i++) {
			// Two responses reach the applier before it gets to the first one's refresh;
			// the refresh is quick.
			change();
			change();
			this.scheduler.runDue();
			this.scheduler.advance(TimeUnit.MILLISECONDS.toNanos(1));
		}
		assertThat(this.refreshes).hasSize(3).allMatch((batch) -> batch.size() == 2);
		assertThat(this.coalescer.isFlooded()).isTrue();
	}

	@Test
	void aChangeArrivingDuringARefreshNowAndThenIsNoFlood() {
		this.arrivingDuringRefresh = 1;
		for (int i = 0; i < 30; i++) {
			this.refreshesWithArrivals = (i % 2 == 0) ? 1 : 0;
			change();
			this.scheduler.runDue();
			this.scheduler.advance(WINDOW * 2);
		}
		assertThat(this.coalescer.isFlooded()).isFalse();
		assertThat(this.refreshTimes).allMatch((time) -> time % (WINDOW * 2) == 0);
	}

}
