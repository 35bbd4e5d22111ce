package io.github.etcdconfig.benchmarks;

import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.etcdconfig.config.EtcdPropertySource;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;

/**
 * What Spring Boot's name caches of the etcd source hold, read by reflection: Boot keeps
 * them private. An application has two sets of adapted sources, each with its own caches:
 * the Environment's (property look-ups, {@code Binder.get(environment)}) and the
 * {@code @ConfigurationProperties} binder's. For each, the etcd source (or each view of
 * it Boot reads in its place) is adapted with a cache of its names (held behind a soft
 * reference: a cleared one reads "cleared") or without one ("no cache": Boot looks names
 * up one at a time).
 */
final class BootNameCaches {

	private static final String BINDER_BEAN = "org.springframework.boot.context.internalConfigurationPropertiesBinder";

	private BootNameCaches() {
	}

	static String describe(ConfigurableApplicationContext app) {
		List<String> parts = new ArrayList<>();
		parts.add("Environment: " + describe(ConfigurationPropertySources.get(app.getEnvironment())));
		Binder binder = (Binder) field(app.getBean(BINDER_BEAN), "binder");
		parts.add("@ConfigurationProperties binder: " + ((binder != null) ? describe(sources(binder)) : "not built"));
		return String.join("; ", parts);
	}

	@SuppressWarnings("unchecked")
	private static Iterable<ConfigurationPropertySource> sources(Binder binder) {
		return (Iterable<ConfigurationPropertySource>) field(binder, "sources");
	}

	private static String describe(Iterable<ConfigurationPropertySource> sources) {
		List<String> found = new ArrayList<>();
		for (ConfigurationPropertySource source : sources) {
			if (isEtcd(source.getUnderlyingSource())) {
				found.add(cached(source));
			}
		}
		return found.isEmpty() ? "no etcd source" : String.join(", ", found);
	}

	// The etcd source, or a view of it that Boot reads in its place.
	private static boolean isEtcd(Object source) {
		return source instanceof EtcdPropertySource
				|| (source instanceof PropertySource<?> view && view.getSource() instanceof EtcdPropertySource);
	}

	private static String cached(ConfigurationPropertySource source) {
		Object cache = field(source, "cache");
		if (cache == null) {
			return "no cache (names looked up one at a time)";
		}
		Object value = ((Reference<?>) field(cache, "value")).get();
		if (value == null) {
			return "cleared";
		}
		Object data = field(value, "data");
		if (data == null) {
			return "empty";
		}
		return String.format(Locale.ROOT, "%,d names", ((Map<?, ?>) field(data, "reverseMappings")).size());
	}

	// The value of a field declared by the target's class or a superclass; null when
	// there is no such field.
	private static Object field(Object target, String name) {
		for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
			try {
				Field field = type.getDeclaredField(name);
				field.setAccessible(true);
				return field.get(target);
			}
			catch (NoSuchFieldException ex) {
				// Try the superclass.
			}
			catch (IllegalAccessException ex) {
				throw new IllegalStateException(ex);
			}
		}
		return null;
	}

}
