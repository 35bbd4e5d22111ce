package io.github.etcdconfig.refresh;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.util.PropertyPlaceholderHelper;

/**
 * The property names a {@code ${...}} expression refers to, nested placeholders and
 * defaults included: {@code ${db.url:${db.host}:5432}} refers to {@code db.url} and
 * {@code db.host}.
 */
final class Placeholders {

	private static final PropertyPlaceholderHelper HELPER = new PropertyPlaceholderHelper("${", "}", ":", null, true);

	private Placeholders() {
	}

	static Set<String> names(String expression) {
		if (expression == null || !expression.contains("${")) {
			return Collections.emptySet();
		}
		Set<String> names = new LinkedHashSet<>();
		HELPER.replacePlaceholders(expression, (name) -> {
			names.add(name);
			return null;
		});
		return names;
	}

}
