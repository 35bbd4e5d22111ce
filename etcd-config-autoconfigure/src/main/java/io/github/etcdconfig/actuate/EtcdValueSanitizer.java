package io.github.etcdconfig.actuate;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.core.env.PropertySource;

/**
 * Masks configuration values with Spring Boot's rules for the {@code env} endpoint, and
 * keeps a value whose name looks sensitive (password, secret, key, token, credentials,
 * uri, url, address...) masked even where values are shown. The one place that decides
 * what {@code /actuator/etcdconfig} and the operator tools show.
 */
public final class EtcdValueSanitizer {

	private final Sanitizer sanitizer;

	/**
	 * Create a sanitizer.
	 * @param sanitizingFunctions the application's own functions, applied first
	 */
	public EtcdValueSanitizer(List<SanitizingFunction> sanitizingFunctions) {
		List<SanitizingFunction> functions = new ArrayList<>(sanitizingFunctions);
		functions.add(SanitizingFunction.sanitizeValue().ifLikelySensitive());
		this.sanitizer = new Sanitizer(functions);
	}

	/**
	 * A value as it may be shown.
	 * @param propertySource the property source holding it, or {@code null}
	 * @param name the property name
	 * @param value the value
	 * @param showValues whether values are shown at all; when not, every value is masked
	 * @return the value, or the mask
	 */
	public Object sanitize(PropertySource<?> propertySource, String name, Object value, boolean showValues) {
		return this.sanitizer.sanitize(new SanitizableData(propertySource, name, value), showValues);
	}

}
