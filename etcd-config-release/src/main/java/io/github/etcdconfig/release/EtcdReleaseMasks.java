package io.github.etcdconfig.release;

import java.util.List;

import io.github.etcdconfig.actuate.EtcdValueSanitizer;
import io.github.etcdconfig.config.EtcdPropertyChange;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * What an operator tool may show of the values the release API returns: a value whose
 * name looks sensitive (Spring Boot's rules for the {@code env} endpoint, as
 * {@code /actuator/etcdconfig} applies them: password, secret, key, token, credentials,
 * uri, url, address...) is masked, and so is the whole text of a document key, which is
 * shown by the properties it changes. The CLI and the console both show values through
 * it, so they mask alike.
 */
public final class EtcdReleaseMasks {

	/** The mask of a hidden value, as the starter's endpoint shows it. */
	public static final String MASK = "******";

	private static final EtcdReleaseMasks NONE = new EtcdReleaseMasks((EtcdValueSanitizer) null);

	private final EtcdValueSanitizer sanitizer;

	/**
	 * Masks with Spring Boot's rules, after an application's own functions.
	 * @param sanitizingFunctions the application's own functions, applied first
	 */
	public EtcdReleaseMasks(List<SanitizingFunction> sanitizingFunctions) {
		this(new EtcdValueSanitizer(sanitizingFunctions));
	}

	private EtcdReleaseMasks(EtcdValueSanitizer sanitizer) {
		this.sanitizer = sanitizer;
	}

	/**
	 * Masks with Spring Boot's rules alone.
	 * @return the masks
	 */
	public static EtcdReleaseMasks defaults() {
		return new EtcdReleaseMasks(List.of());
	}

	/**
	 * No masks: every value shown, for an operator who asks to see them (the CLI's
	 * {@code --show-values}).
	 * @return the masks that mask nothing
	 */
	public static EtcdReleaseMasks none() {
		return NONE;
	}

	/**
	 * A value as it may be shown.
	 * @param name the property, or {@code null} for a whole document
	 * @param value the value, or {@code null}
	 * @return the value, or {@link #MASK}
	 */
	public Object show(String name, Object value) {
		if (value == null || this.sanitizer == null) {
			return value;
		}
		return (name != null) ? this.sanitizer.sanitize(null, name, value, true) : MASK;
	}

	/**
	 * Whether a property's values are masked.
	 * @param name the property
	 * @return whether they are
	 */
	public boolean isMasked(String name) {
		return MASK.equals(show(name, "value"));
	}

	/**
	 * A property as it may be shown.
	 * @param property the property
	 * @return the property, its value masked
	 */
	public EtcdProperty show(EtcdProperty property) {
		return new EtcdProperty(property.name(), show(property.name(), property.value()), property.key(),
				property.revision(), property.layer());
	}

	/**
	 * Properties as they may be shown.
	 * @param view the properties
	 * @return the view, values masked
	 */
	public EtcdConfigView show(EtcdConfigView view) {
		return new EtcdConfigView(view.layer(), view.revision(), view.properties().stream().map(this::show).toList(),
				view.problems());
	}

	/**
	 * One property's past value as it may be shown.
	 * @param name the property
	 * @param release the release that changed it
	 * @return the release, values masked
	 */
	public EtcdPropertyRelease show(String name, EtcdPropertyRelease release) {
		return new EtcdPropertyRelease(release.release(), release.time(), release.author(), release.message(),
				release.key(), show(name, release.oldValue()), show(name, release.newValue()));
	}

	/**
	 * A property's change as it may be shown.
	 * @param change the change
	 * @return the change, values masked
	 */
	public EtcdPropertyChange show(EtcdPropertyChange change) {
		return new EtcdPropertyChange(change.name(), show(change.name(), change.oldValue()),
				show(change.name(), change.newValue()), change.key());
	}

	/**
	 * A key's change as it may be shown: a document's text masked, the properties it
	 * changes masked by name.
	 * @param change the change
	 * @return the change, values masked
	 */
	public EtcdKeyChange show(EtcdKeyChange change) {
		return new EtcdKeyChange(change.key(), change.name(), change.type(),
				(String) show(change.name(), change.oldValue()), (String) show(change.name(), change.newValue()),
				change.properties().stream().map(this::show).toList());
	}

	/**
	 * A plan as it may be shown.
	 * @param plan the plan
	 * @return the plan, values masked
	 */
	public EtcdReleasePlan show(EtcdReleasePlan plan) {
		return new EtcdReleasePlan(plan.kind(), plan.detail(), plan.baseRevision(),
				plan.layers()
					.stream()
					.map((layer) -> new EtcdLayerChange(layer.layer(), layer.release(), layer.keysBefore(),
							layer.keysAfter(), layer.changes().stream().map(this::show).toList()))
					.toList());
	}

	/**
	 * A published release as it may be shown.
	 * @param release the release
	 * @return the release, values masked
	 */
	public EtcdRelease show(EtcdRelease release) {
		return new EtcdRelease(release.id(), release.layer(), release.application(), release.profile(), release.kind(),
				release.detail(), release.time(), release.author(), release.message(), release.revision(),
				release.changes().stream().map(this::show).toList(), release.verification(), release.rollout());
	}

}
