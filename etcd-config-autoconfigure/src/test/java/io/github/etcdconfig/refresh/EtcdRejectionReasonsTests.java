package io.github.etcdconfig.refresh;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Map;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import jakarta.validation.constraints.Min;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The reasons of a failed validation never carry a value, even when a constraint's
 * message interpolates it ({@code ${validatedValue}}): short values, and the values of
 * class-level constraints, too.
 */
class EtcdRejectionReasonsTests {

	private static final ValidatorFactory validation = Validation.buildDefaultValidatorFactory();

	@AfterAll
	static void close() {
		validation.close();
	}

	@Test
	void aFieldConstraintWhoseMessageQuotesAShortValueIsReportedByItsCode() {
		List<EtcdRejectedProperty> rejected = rejectedBinding(Pool.class, Map.of("pool.size", "7"));

		assertThat(rejected).containsExactly(new EtcdRejectedProperty("pool.size", "violates Min"));
	}

	@Test
	void aClassLevelConstraintWhoseMessageQuotesTheValuesIsReportedByItsCode() {
		List<EtcdRejectedProperty> rejected = rejectedBinding(Range.class, Map.of("range.min", "9", "range.max", "2"));

		assertThat(rejected).containsExactly(new EtcdRejectedProperty("range", "violates MinBelowMax"));
	}

	@Test
	void aConstraintMessageWithoutTheValueIsKept() {
		List<EtcdRejectedProperty> rejected = rejectedBinding(Quiet.class, Map.of("quiet.size", "7"));

		assertThat(rejected).containsExactly(new EtcdRejectedProperty("quiet.size", "must be at least 10"));
	}

	private static List<EtcdRejectedProperty> rejectedBinding(Class<?> type, Map<String, String> properties) {
		String prefix = properties.keySet().iterator().next().split("\\.")[0];
		Binder binder = new Binder(new MapConfigurationPropertySource(properties));
		Throwable failure = catchThrowable(() -> binder.bind(prefix, Bindable.of(type),
				new ValidationBindHandler(new SpringValidatorAdapter(validation.getValidator()))));
		assertThat(failure).isNotNull();
		List<EtcdRejectedProperty> rejected = EtcdRejectionReasons.binding(prefix, prefix, failure);
		assertThat(rejected.toString()).doesNotContain("7").doesNotContain("9");
		return rejected;
	}

	public static class Pool {

		@Min(value = 10, message = "${validatedValue} is below 10")
		private int size = 20;

		public int getSize() {
			return this.size;
		}

		public void setSize(int size) {
			this.size = size;
		}

	}

	public static class Quiet {

		@Min(value = 10, message = "must be at least 10")
		private int size = 20;

		public int getSize() {
			return this.size;
		}

		public void setSize(int size) {
			this.size = size;
		}

	}

	@MinBelowMax
	public static class Range {

		private int min = 1;

		private int max = 5;

		public int getMin() {
			return this.min;
		}

		public void setMin(int min) {
			this.min = min;
		}

		public int getMax() {
			return this.max;
		}

		public void setMax(int max) {
			this.max = max;
		}

	}

	/** A class-level constraint whose message quotes the values. */
	@Target(ElementType.TYPE)
	@Retention(RetentionPolicy.RUNTIME)
	@Constraint(validatedBy = MinBelowMaxValidator.class)
	public @interface MinBelowMax {

		String message() default "min ${validatedValue.min} is above max ${validatedValue.max}";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

	}

	public static class MinBelowMaxValidator implements ConstraintValidator<MinBelowMax, Range> {

		@Override
		public boolean isValid(Range range, ConstraintValidatorContext context) {
			return range.getMin() <= range.getMax();
		}

	}

}
