package io.github.etcdconfig.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.etcdconfig.client.EtcdEndpoints;
import io.github.etcdconfig.config.EtcdConfigStore;
import io.github.etcdconfig.refresh.EtcdConfigRefresher;
import io.github.etcdconfig.refresh.EtcdConfigRejection;
import io.github.etcdconfig.refresh.EtcdConfigWatcher;
import io.github.etcdconfig.refresh.EtcdConfigWatchers;
import io.github.etcdconfig.watch.EtcdPrefixWatcher;
import io.github.etcdconfig.watch.EtcdWatchStatus;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of the live configuration: whether each etcd source is watched, at which
 * revision, and why not.
 *
 * <p>
 * A reconnect must not get a pod restarted (a flapping indicator is what made others turn
 * theirs off), so:
 * <ul>
 * <li>{@code WATCHING}: UP;</li>
 * <li>{@code STARTING}, {@code RECONNECTING}, {@code RESYNCING}, {@code UNREACHABLE}: UP
 * with the state and the last error while the watch has been down for less than
 * {@code etcd.config.health.down-after}, DOWN after it. The application keeps serving its
 * last values either way;</li>
 * <li>{@code STOPPED} (the application is stopping): UNKNOWN;</li>
 * <li>values from the snapshot file: {@code stale: true}, the status following the watch
 * as above;</li>
 * <li>a revision this instance rejected (a bean failed to bind or validate, a
 * {@code @Value} to convert, a placeholder to resolve): {@code rejected} with the
 * revision, the property names and the reasons, never the values, until a later revision
 * applies cleanly. The status is not changed by it: the instance serves its previous
 * values, and restarting it would not help; the release needs fixing.</li>
 * </ul>
 * With several sources the worst status wins and each source is detailed under
 * {@code sources}.
 *
 * <p>
 * Only reads fields the watcher publishes: it never calls etcd, so it answers at once
 * whatever etcd does.
 */
public class EtcdConfigHealthIndicator implements HealthIndicator {

	private final EtcdConfigWatchers watchers;

	private final Duration downAfter;

	private final EtcdConfigRefresher refresher;

	/**
	 * Create an indicator.
	 * @param watchers the watchers of the application's etcd sources
	 * @param downAfter how long the watch may be down before the indicator reports DOWN
	 */
	public EtcdConfigHealthIndicator(EtcdConfigWatchers watchers, Duration downAfter) {
		this(watchers, downAfter, null);
	}

	/**
	 * Create an indicator that shows rejected revisions too.
	 * @param watchers the watchers of the application's etcd sources
	 * @param downAfter how long the watch may be down before the indicator reports DOWN
	 * @param refresher the refresher, which knows the rejected revisions; {@code null}
	 * when changes are applied by another listener
	 */
	public EtcdConfigHealthIndicator(EtcdConfigWatchers watchers, Duration downAfter, EtcdConfigRefresher refresher) {
		this.watchers = watchers;
		this.downAfter = downAfter;
		this.refresher = refresher;
	}

	@Override
	public Health health() {
		Instant now = Instant.now();
		List<Health> sources = new ArrayList<>();
		for (EtcdConfigWatcher watcher : this.watchers.getWatchers()) {
			sources.add(health(watcher, now));
		}
		if (sources.size() == 1) {
			return sources.get(0);
		}
		List<Map<String, Object>> details = new ArrayList<>();
		for (Health source : sources) {
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("status", source.getStatus().getCode());
			detail.putAll(source.getDetails());
			details.add(detail);
		}
		return Health.status(worst(sources)).withDetail("sources", details).build();
	}

	private Health health(EtcdConfigWatcher watcher, Instant now) {
		EtcdConfigStore store = watcher.getStore();
		EtcdPrefixWatcher prefixWatcher = watcher.getWatcher();
		// The state first: the watcher writes the time before the state, so a state other
		// than WATCHING comes
		// with its time, unless the watch recovered in between.
		EtcdWatchStatus.State state = prefixWatcher.getStatus().getState();
		Instant notWatchingSince = prefixWatcher.getStatus().getNotWatchingSince();
		Health.Builder health = Health.status(status(state, notWatchingSince, now))
			.withDetail("endpoints",
					store.getResource().getConnection().getEndpoints().stream().map(EtcdEndpoints::redact).toList())
			.withDetail("prefixes", store.getResource().getLayout().prefixes())
			.withDetail("revision", watcher.getAppliedRevision())
			.withDetail("state", state.name())
			.withDetail("stale", store.isFromSnapshotFile());
		if (state != EtcdWatchStatus.State.WATCHING && notWatchingSince != null) {
			health.withDetail("notWatchingSince", notWatchingSince.toString());
		}
		EtcdConfigRejection rejection = (this.refresher != null) ? this.refresher.getRejection(store.getName()) : null;
		if (rejection != null) {
			health.withDetail("rejected",
					Map.of("revision", rejection.revision(), "properties",
							rejection.properties()
								.stream()
								.map((property) -> Map.of("name", property.name(), "reason", property.reason()))
								.toList()));
		}
		String lastError = prefixWatcher.getStatus().describeLastError();
		Instant lastErrorTime = prefixWatcher.getStatus().getLastErrorTime();
		if (lastError != null) {
			// The message only: a stack trace tells an operator nothing more and may show
			// more than it should.
			health.withDetail("lastError", lastError);
			if (lastErrorTime != null) {
				health.withDetail("lastErrorTime", lastErrorTime.toString());
			}
		}
		return health.build();
	}

	private Status status(EtcdWatchStatus.State state, Instant notWatchingSince, Instant now) {
		return switch (state) {
			case WATCHING -> Status.UP;
			case STOPPED -> Status.UNKNOWN;
			default -> (notWatchingSince != null && !now.isBefore(notWatchingSince.plus(this.downAfter))) ? Status.DOWN
					: Status.UP;
		};
	}

	private static Status worst(List<Health> sources) {
		List<Status> statuses = sources.stream().map(Health::getStatus).toList();
		if (statuses.contains(Status.DOWN)) {
			return Status.DOWN;
		}
		return statuses.contains(Status.UP) ? Status.UP : Status.UNKNOWN;
	}

}
