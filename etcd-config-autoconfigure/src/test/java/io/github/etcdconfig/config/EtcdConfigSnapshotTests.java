package io.github.etcdconfig.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import io.github.etcdconfig.ranges.EtcdKeyEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshots: precedence, collisions, and exactly which names a change touches.
 */
class EtcdConfigSnapshotTests {

	private final List<EtcdConfigProblem> problems = new ArrayList<>();

	private final EtcdConfigLayout layout = EtcdConfigLayout.resolve(
			List.of("/config/", "/config-apps/{application}/", "/config-apps/{application}/profiles/{profile}/"),
			"billing", List.of("prod"));

	private static EtcdKeyEvent put(String key, String value, long revision) {
		return EtcdKeyEvent.put(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), revision);
	}

	private static EtcdKeyEvent delete(String key, long revision) {
		return EtcdKeyEvent.delete(key.getBytes(StandardCharsets.UTF_8), revision);
	}

	private EtcdConfigSnapshot load(EtcdKeyEvent... keys) {
		return EtcdConfigSnapshot.of(this.layout, 10, List.of(keys), this.problems::add);
	}

	@Test
	void aHigherLayerOverridesALowerOne() {
		EtcdConfigSnapshot snapshot = load(put("/config/db/host", "shared", 1),
				put("/config-apps/billing/db/host", "app", 2),
				put("/config-apps/billing/profiles/prod/db/host", "prod", 3));
		assertThat(snapshot.getProperty("db.host")).isEqualTo("prod");
		assertThat(snapshot.getKey("db.host")).isEqualTo("/config-apps/billing/profiles/prod/db/host");
	}

	@Test
	void keysThatCollideAfterMappingAreWonByTheKeyThatSortsLast() {
		EtcdConfigSnapshot snapshot = load(put("/config/a/b", "slash", 1), put("/config/a.b", "dot", 2));
		assertThat(snapshot.getProperty("a.b")).isEqualTo("slash");
		EtcdConfigSnapshot.Update update = snapshot.apply(List.of(delete("/config/a/b", 11)), 11, this.problems::add);
		assertThat(update.snapshot().getProperty("a.b")).isEqualTo("dot");
		assertThat(update.changes()).singleElement().satisfies((change) -> {
			assertThat(change.oldValue()).isEqualTo("slash");
			assertThat(change.newValue()).isEqualTo("dot");
			assertThat(change.key()).isEqualTo("/config/a.b");
		});
	}

	@Test
	void aChangeToTheLosingKeyOfACollisionChangesNothing() {
		EtcdConfigSnapshot snapshot = load(put("/config/a/b", "slash", 1), put("/config/a.b", "dot", 2));
		assertThat(snapshot.apply(List.of(put("/config/a.b", "dot-2", 11)), 11, this.problems::add).changes())
			.isEmpty();
	}

	@Test
	void theNamesArrayIsKeptWhenNoNameAppearsOrDisappears() {
		EtcdConfigSnapshot snapshot = load(put("/config/a", "1", 1), put("/config/b", "2", 2));
		EtcdConfigSnapshot changed = snapshot.apply(List.of(put("/config/a", "3", 11)), 11, this.problems::add)
			.snapshot();
		assertThat(changed.getPropertyNames()).isSameAs(snapshot.getPropertyNames());
		EtcdConfigSnapshot added = changed.apply(List.of(put("/config/c", "4", 12)), 12, this.problems::add).snapshot();
		assertThat(added.getPropertyNames()).containsExactlyInAnyOrder("a", "b", "c");
		EtcdConfigSnapshot removed = added.apply(List.of(delete("/config/a", 13)), 13, this.problems::add).snapshot();
		assertThat(removed.getPropertyNames()).containsExactlyInAnyOrder("b", "c");
	}

	@Test
	void theNamesStayInRelaxedOrderAsNamesComeAndGo() {
		Random random = new Random(14);
		Set<String> held = new TreeSet<>();
		EtcdConfigSnapshot snapshot = load();
		for (int revision = 11; revision < 211; revision++) {
			List<EtcdKeyEvent> events = new ArrayList<>();
			for (int i = 0; i < 1 + random.nextInt(4); i++) {
				String name = "g" + random.nextInt(5) + (random.nextBoolean() ? ".some-Name" : ".someName")
						+ random.nextInt(20);
				String key = "/config/" + name.replace('.', '/');
				if (held.remove(name)) {
					events.add(delete(key, revision));
				}
				else {
					held.add(name);
					events.add(put(key, "v", revision));
				}
			}
			snapshot = snapshot.apply(events, revision, this.problems::add).snapshot();
			List<String> expected = new ArrayList<>(held);
			expected.sort(RelaxedNames.ORDER);
			assertThat(snapshot.getPropertyNames()).containsExactlyElementsOf(expected);
			for (int group = 0; group < 5; group++) {
				String prefix = "g" + group + ".";
				assertThat(snapshot.hasNamesUnder("g" + group)).as(prefix + " at " + revision)
					.isEqualTo(held.stream().anyMatch((name) -> name.startsWith(prefix)));
			}
		}
	}

	@Test
	void aDocumentChangeReportsOnlyTheNamesWhoseValueChanged() {
		EtcdConfigSnapshot snapshot = load(put("/config/app.yml", "a: 1\nb: 2\nc: 3\n", 1));
		EtcdConfigSnapshot.Update update = snapshot.apply(List.of(put("/config/app.yml", "a: 1\nb: 20\n", 11)), 11,
				this.problems::add);
		assertThat(update.changes()).extracting(EtcdPropertyChange::name).containsExactlyInAnyOrder("b", "c");
	}

	@Test
	void aDocumentThatNoLongerParsesKeepsItsPreviousVersion() {
		EtcdConfigSnapshot snapshot = load(put("/config/app.yml", "a: 1\n", 1));
		EtcdConfigSnapshot.Update update = snapshot.apply(List.of(put("/config/app.yml", "a: [\n", 11)), 11,
				this.problems::add);
		assertThat(update.snapshot().getProperty("a")).isEqualTo(1);
		assertThat(update.changes()).isEmpty();
		assertThat(this.problems).singleElement()
			.satisfies((problem) -> assertThat(problem.consequence()).isEqualTo("keeping its previous version"));
	}

	@Test
	void aValueThatIsNoLongerUtf8KeepsItsPreviousValue() {
		EtcdConfigSnapshot snapshot = load(put("/config/a", "1", 1));
		EtcdConfigSnapshot.Update update = snapshot.apply(
				List.of(EtcdKeyEvent.put("/config/a".getBytes(StandardCharsets.UTF_8), new byte[] { (byte) 0xFF }, 11)),
				11, this.problems::add);
		assertThat(update.snapshot().getProperty("a")).isEqualTo("1");
		assertThat(this.problems).extracting(EtcdConfigProblem::kind).containsExactly(EtcdConfigProblem.Kind.NOT_UTF8);
	}

	@Test
	void thousandsOfChangesShareTheUnchangedKeys() {
		List<EtcdKeyEvent> keys = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			keys.add(put("/config/k" + i, "v" + i, i + 1));
		}
		EtcdConfigSnapshot snapshot = EtcdConfigSnapshot.of(this.layout, 10_000, keys, this.problems::add);
		for (int i = 0; i < 5_000; i++) {
			snapshot = snapshot
				.apply(List.of(put("/config/k" + (i % 100), "changed-" + i, 10_001 + i)), 10_001 + i,
						this.problems::add)
				.snapshot();
		}
		assertThat(snapshot.getProperty("k99")).isEqualTo("changed-4999");
		assertThat(snapshot.getProperty("k9999")).isEqualTo("v9999");
		assertThat(snapshot.getKeyCount()).isEqualTo(10_000);
	}

	@Test
	void applyingAFullReadDeletesWhatTheReadNoLongerHas() {
		EtcdConfigSnapshot snapshot = load(put("/config/a", "1", 1), put("/config/b", "2", 2));
		EtcdConfigSnapshot.Update update = snapshot
			.applyRead(List.of(put("/config/a", "1", 1), put("/config/c", "3", 20)), 20, this.problems::add);
		assertThat(update.changes()).extracting(EtcdPropertyChange::name).containsExactlyInAnyOrder("b", "c");
		assertThat(update.snapshot().getProperty("b")).isNull();
	}

}
