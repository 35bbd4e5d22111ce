package io.github.etcdconfig.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Relaxed names: the order and matching that stand in for Spring Boot's name mappings,
 * checked against Spring Boot's own {@link ConfigurationPropertyName}.
 */
class RelaxedNamesTests {

	private static final List<String> NAMES = List.of("rate-limit", "rateLimit", "rate_limit", "RATE_LIMIT",
			"ratelimit", "rate.limit", "rate-limit.max", "rateLimit.max-burst", "servers[0]", "servers.0",
			"servers[0].host", "servers.0.host", "servers[1]", "servers[10]", "map[a.b]", "map.a.b", "map[A]", "map.a",
			"map[-x]", "a", "a.b", "a-b", "ab", "a.b.c", "a0", "a.b-c", "a.bC", "logging.level.com.example",
			"logging.level.com.Example", "my-app.some-value", "myApp.someValue", "my_app.some_value",
			"featureFlags.newCheckout", "x.é", "x");

	@Test
	void everyPairSpringBootBindsAlikeHasTheSameUniformForm() {
		for (String a : NAMES) {
			for (String b : NAMES) {
				if (adapt(a).equals(adapt(b))) {
					assertThat(RelaxedNames.compareUniform(a, b)).as(a + " against " + b).isZero();
					assertThat(RelaxedNames.isSameProperty(a, b)).as(a + " against " + b).isTrue();
				}
			}
		}
	}

	@Test
	void namesOfTheSameUniformFormThatSpringBootKeepsApartAreTold() {
		assertThat(RelaxedNames.compareUniform("map[a.b]", "map.a.b")).isZero();
		assertThat(RelaxedNames.isSameProperty("map[a.b]", "map.a.b")).isFalse();
		assertThat(RelaxedNames.isSameProperty("map.a.b", "map[a.b]")).isFalse();
	}

	@Test
	void theOrderIsTotalAndConsistent() {
		for (String a : NAMES) {
			for (String b : NAMES) {
				int ab = RelaxedNames.compare(a, b);
				assertThat(Integer.signum(ab)).as(a + " against " + b)
					.isEqualTo(-Integer.signum(RelaxedNames.compare(b, a)));
				assertThat(ab == 0).as(a + " against " + b).isEqualTo(a.equals(b));
			}
		}
	}

	@Test
	void sortingPutsNamesInTheOrder() {
		List<String> names = new ArrayList<>(NAMES);
		names.addAll(List.of("map[ ]", "map[!]", "map[-]", "map[a]b", "map", "map.", "rate-limit-", "Rate.Limit"));
		for (long seed = 0; seed < 20; seed++) {
			Collections.shuffle(names, new Random(seed));
			List<String> sorted = new ArrayList<>(names);
			RelaxedNames.sortDistinct(sorted);
			List<String> expected = new ArrayList<>(names);
			expected.sort(RelaxedNames.ORDER);
			assertThat(sorted).containsExactlyElementsOf(expected);
		}
	}

	@Test
	void sortingKeepsEachNameOnce() {
		List<String> names = new ArrayList<>(List.of("b.c", "a", "b.c", "rate-limit", "a", "rateLimit"));
		RelaxedNames.sortDistinct(names);
		assertThat(names).containsExactly("a", "b.c", "rate-limit", "rateLimit");
	}

	@Test
	void theFirstElementsAreTheUniformFormsOfWhatEachNameStartsWith() {
		List<String> names = new ArrayList<>(List.of("app.name", "app.Display-Name", "app", "apps.x", "my-service.url",
				"myservice.port", "list[0]", "list[1].a", "Database.host", "database.port"));
		RelaxedNames.sortDistinct(names);
		assertThat(RelaxedNames.firstElements(names.toArray(String[]::new))).containsExactlyInAnyOrder("app", "apps",
				"myservice", "list", "database");
	}

	@Test
	void theNamesUnderAGroupAreOneRangeOfTheOrderHoldingEveryNameSpringBootPutsUnderIt() {
		List<String> sorted = new ArrayList<>(NAMES);
		sorted.sort(RelaxedNames.ORDER);
		for (String group : NAMES) {
			List<Integer> signs = sorted.stream()
				.map((name) -> Integer.signum(RelaxedNames.compareToGroup(name, group)))
				.toList();
			assertThat(signs).as("positions against " + group + " in " + sorted).isSorted();
			for (String name : sorted) {
				if (adapt(group).isAncestorOf(adapt(name))) {
					assertThat(RelaxedNames.compareToGroup(name, group)).as(name + " under " + group).isZero();
				}
			}
		}
	}

	private static ConfigurationPropertyName adapt(String name) {
		return ConfigurationPropertyName.adapt(name, '.');
	}

}
