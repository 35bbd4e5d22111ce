package io.github.etcdconfig.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.etcdconfig.client.EtcdProperties;
import io.github.etcdconfig.ranges.EtcdKeyEvent;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.PropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The etcd property source as Spring Boot's binder reads it, and as everything else
 * enumerates it.
 */
class EtcdPropertySourceTests {

	private final EtcdConfigLayout layout = EtcdConfigLayout.resolve(List.of("/config/"), "app", List.of());

	private final EtcdConfigStore store = new EtcdConfigStore(
			new EtcdConfigDataResource(new EtcdProperties(), new EtcdConfigProperties(), this.layout, null, false),
			null, EtcdConfigSnapshot.empty(this.layout, 0), null);

	private final EtcdPropertySource source = this.store.createPropertySource();

	private final Iterable<ConfigurationPropertySource> sources = ConfigurationPropertySources
		.from(List.<PropertySource<?>>of(this.source));

	private final Binder binder = new Binder(this.sources);

	private long revision;

	private void put(String... keysAndValues) {
		List<EtcdKeyEvent> events = new ArrayList<>();
		this.revision++;
		for (int i = 0; i < keysAndValues.length; i += 2) {
			events.add(EtcdKeyEvent.put(keysAndValues[i].getBytes(StandardCharsets.UTF_8),
					keysAndValues[i + 1].getBytes(StandardCharsets.UTF_8), this.revision));
		}
		this.store.apply(events, this.revision, (problem) -> {
		});
	}

	@Test
	void itListsEveryNameForWhateverEnumeratesPropertySources() {
		put("/config/a/b", "1", "/config/myApp/someValue", "2", "/config/logging/level/com/example", "debug");
		assertThat(this.source.getPropertyNames()).containsExactlyInAnyOrder("a.b", "myApp.someValue",
				"logging.level.com.example");
		assertThat(this.source.getProperty("myApp.someValue")).isEqualTo("2");
	}

	@Test
	void springBootFindsANameInItsRelaxedForms() {
		put("/config/myApp/someValue", "2", "/config/servers/0", "first");
		assertThat(this.binder.bind("my-app.some-value", String.class).get()).isEqualTo("2");
		assertThat(this.binder.bind("myapp.somevalue", String.class).get()).isEqualTo("2");
		assertThat(this.binder.bind("servers", Bindable.listOf(String.class)).get()).containsExactly("first");
		assertThat(this.binder.bind("my-app.other", String.class).isBound()).isFalse();
	}

	@Test
	void springBootBindsAMapFromTheNamesUnderItsGroup() {
		put("/config/logging/level/com/example", "debug", "/config/logging/level/org/other", "warn",
				"/config/unrelated/name", "x");
		Map<String, String> levels = this.binder.bind("logging.level", Bindable.mapOf(String.class, String.class))
			.get();
		assertThat(levels).containsOnly(Map.entry("com.example", "debug"), Map.entry("org.other", "warn"));
	}

	@Test
	void aMapBoundWithoutItsOwnNameBeingLookedUpIsBoundToo() {
		put("/config/tenants/acme", "gold", "/config/tenants/initech", "silver");
		// As a @ConfigurationProperties class that is itself a map is bound.
		Bindable<Map<String, String>> tenants = Bindable.mapOf(String.class, String.class)
			.withBindRestrictions(Bindable.BindRestriction.NO_DIRECT_PROPERTY);
		assertThat(this.binder.bind("tenants", tenants).get()).containsOnly(Map.entry("acme", "gold"),
				Map.entry("initech", "silver"));
	}

	@Test
	void aGroupBoundOnceListsItsNewNamesToo() {
		put("/config/features/flags/search", "on");
		this.binder.bind("features.flags", Bindable.mapOf(String.class, String.class));
		put("/config/features/flags/checkout", "off");
		assertThat(this.binder.bind("features.flags", Bindable.mapOf(String.class, String.class)).get())
			.containsOnly(Map.entry("search", "on"), Map.entry("checkout", "off"));
	}

	@Test
	void springBootListsOnlyTheNamesUnderTheGroupsItAskedFor() {
		put("/config/features/flags/search", "on", "/config/bulk/a", "1", "/config/bulk/b", "2");
		this.binder.bind("bulk.a", String.class);
		this.binder.bind("features.flags", Bindable.mapOf(String.class, String.class));
		assertThat(listedToSpringBoot()).containsExactly("features.flags.search");
	}

	private List<String> listedToSpringBoot() {
		List<String> names = new ArrayList<>();
		for (ConfigurationPropertySource source : this.sources) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.stream().map(ConfigurationPropertyName::toString).forEach(names::add);
			}
		}
		return names;
	}

}
