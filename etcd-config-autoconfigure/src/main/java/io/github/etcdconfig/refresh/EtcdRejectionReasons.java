package io.github.etcdconfig.refresh;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.github.etcdconfig.config.EtcdPropertyChange;

import org.springframework.beans.TypeMismatchException;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationErrors;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.core.env.PropertyResolver;
import org.springframework.util.ClassUtils;
import org.springframework.util.PlaceholderResolutionException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Turns a failure to bind, convert or resolve into the properties it concerns and a
 * reason an operator can act on. Never the exceptions' own messages: Spring's quote the
 * value ({@code Failed to convert ... for value [...]}, {@code Value: "..."}), and a
 * value may be a secret.
 */
public final class EtcdRejectionReasons {

	private EtcdRejectionReasons() {
	}

	/**
	 * The properties a failed binding of a {@code @ConfigurationProperties} bean
	 * concerns.
	 * @param beanName the bean
	 * @param prefix the bean's prefix, named when no property can be
	 * @param failure what binding threw
	 * @return one entry per failed property, at least one
	 */
	public static List<EtcdRejectedProperty> binding(String beanName, String prefix, Throwable failure) {
		BindValidationException validation = find(failure, BindValidationException.class);
		if (validation != null) {
			return validation(validation.getValidationErrors());
		}
		BindException bind = find(failure, BindException.class);
		String name = (bind != null) ? bind.getName().toString()
				: (prefix.isEmpty() ? "bean '" + beanName + "'" : prefix);
		return List.of(new EtcdRejectedProperty(name, reason(failure)));
	}

	private static List<EtcdRejectedProperty> validation(ValidationErrors errors) {
		List<EtcdRejectedProperty> rejected = new ArrayList<>();
		for (ObjectError error : errors) {
			String name = errors.getName().toString();
			if (error instanceof FieldError field) {
				name = name + "." + DataObjectPropertyName.toDashedForm(field.getField());
			}
			rejected.add(new EtcdRejectedProperty(name, reason(error, errors)));
		}
		return rejected;
	}

	// The constraint's message, unless it may quote a value (${validatedValue}): that of
	// the field, or for a class-level constraint any the bean was bound from. Then the
	// constraint's code says it.
	private static String reason(ObjectError error, ValidationErrors errors) {
		String message = error.getDefaultMessage();
		if (message == null || quotes(message, error, errors)) {
			return "violates " + error.getCode();
		}
		return message;
	}

	private static boolean quotes(String message, ObjectError error, ValidationErrors errors) {
		if (error instanceof FieldError field) {
			return quotes(message, field.getRejectedValue());
		}
		for (ConfigurationProperty property : errors.getBoundProperties()) {
			if (quotes(message, property.getValue())) {
				return true;
			}
		}
		return false;
	}

	private static boolean quotes(String message, Object value) {
		String text = (value != null) ? value.toString() : "";
		return !text.isEmpty() && message.contains(text);
	}

	/**
	 * The properties a failed {@code @Value} injection concerns.
	 * @param expression the {@code @Value} expression
	 * @param beanName the bean
	 * @param member the field or method
	 * @param failure what resolving, converting or injecting threw
	 * @return one entry
	 */
	public static EtcdRejectedProperty value(String expression, String beanName, String member, Throwable failure) {
		return new EtcdRejectedProperty(String.join(", ", names(expression)),
				reason(failure) + " for @Value of bean '" + beanName + "' (" + member + ")");
	}

	// The names an expression reads, without the "name:default" forms the placeholder
	// parser also reports.
	private static Set<String> names(String expression) {
		Set<String> names = new LinkedHashSet<>(Placeholders.names(expression));
		names.removeIf((name) -> name.indexOf(':') > 0 && names.contains(name.substring(0, name.indexOf(':'))));
		return names;
	}

	/**
	 * The properties a change leaves unreadable, because a placeholder in their value
	 * cannot be resolved: a new value with a placeholder, or a value that refers to a
	 * changed name. Reading them would fail.
	 * @param resolver the environment, showing the change
	 * @param changes the changed properties
	 * @param keys the names the change affects, placeholders followed
	 * @return one entry per unreadable property
	 */
	public static List<EtcdRejectedProperty> unresolvable(PropertyResolver resolver, List<EtcdPropertyChange> changes,
			Set<String> keys) {
		Set<String> check = new LinkedHashSet<>(keys);
		for (EtcdPropertyChange change : changes) {
			if (!(change.newValue() instanceof String text && text.contains("${"))) {
				check.remove(change.name());
			}
		}
		List<EtcdRejectedProperty> rejected = new ArrayList<>();
		for (String name : check) {
			try {
				resolver.getProperty(name);
			}
			catch (IllegalArgumentException ex) {
				rejected.add(new EtcdRejectedProperty(name, reason(ex)));
			}
		}
		return rejected;
	}

	/**
	 * Why something failed, without a value.
	 * @param failure the failure
	 * @return the reason
	 */
	public static String reason(Throwable failure) {
		PlaceholderResolutionException placeholder = find(failure, PlaceholderResolutionException.class);
		if (placeholder != null) {
			return "placeholder ${" + placeholder.getPlaceholder() + "} cannot be resolved";
		}
		ConversionFailedException conversion = find(failure, ConversionFailedException.class);
		if (conversion != null) {
			return "cannot be converted to " + typeName(conversion.getTargetType().getType());
		}
		TypeMismatchException mismatch = find(failure, TypeMismatchException.class);
		if (mismatch != null && mismatch.getRequiredType() != null) {
			return "cannot be converted to " + typeName(mismatch.getRequiredType());
		}
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return "cannot be applied (" + root.getClass().getSimpleName() + ")";
	}

	private static String typeName(Class<?> type) {
		if (type.isEnum()) {
			StringBuilder constants = new StringBuilder();
			for (Object constant : type.getEnumConstants()) {
				constants.append((constants.length() > 0) ? ", " : "").append(constant);
			}
			return type.getSimpleName() + " (one of " + constants + ")";
		}
		return ClassUtils.isPrimitiveOrWrapper(type) ? type.getSimpleName() : ClassUtils.getShortName(type);
	}

	private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

}
