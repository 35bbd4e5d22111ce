package io.github.etcdconfig.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import io.github.etcdconfig.client.EtcdEndpoints;
import io.github.etcdconfig.client.EtcdProperties;

import org.springframework.boot.autoconfigure.ssl.JksSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PemSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PropertiesSslBundle;
import org.springframework.boot.autoconfigure.ssl.SslProperties;
import org.springframework.boot.context.config.ConfigDataResource;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.io.ApplicationResourceLoader;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.util.StringUtils;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.FieldError;
import org.springframework.validation.ValidationUtils;
import org.springframework.validation.Validator;

/**
 * One etcd source to load: where etcd is, which prefixes, and whether it may be missing.
 * Two imports of the same endpoints, namespace, user and prefixes are the same resource,
 * so Spring Boot loads it once.
 */
public class EtcdConfigDataResource extends ConfigDataResource {

	/** The prefix of an etcd location in spring.config.import. */
	public static final String LOCATION_PREFIX = "etcd:";

	private static final String PREFIXES_PARAMETER = "prefixes=";

	private final EtcdProperties connection;

	private final EtcdConfigProperties config;

	private final EtcdConfigLayout layout;

	private final SslBundle sslBundle;

	private final boolean optional;

	/**
	 * Create a resource.
	 * @param connection how to reach etcd
	 * @param config the configuration settings
	 * @param layout the resolved prefixes
	 * @param sslBundle the SSL bundle named by etcd.ssl.bundle, or {@code null}
	 * @param optional whether start-up goes on without etcd
	 */
	public EtcdConfigDataResource(EtcdProperties connection, EtcdConfigProperties config, EtcdConfigLayout layout,
			SslBundle sslBundle, boolean optional) {
		super(optional);
		this.connection = connection;
		this.config = config;
		this.layout = layout;
		this.sslBundle = sslBundle;
		this.optional = optional;
	}

	/**
	 * Bind the etcd settings and resolve a location. The location is what follows
	 * {@code etcd:} in spring.config.import: empty, or endpoints separated by {@code ;},
	 * optionally followed by {@code ?prefixes=} and prefixes separated by {@code ;}, for
	 * example
	 * {@code etcd:http://etcd-1:2379;http://etcd-2:2379?prefixes=/config/;/config/{application}/}.
	 * What the location names overrides etcd.endpoints and etcd.config.prefixes.
	 * @param binder binds the settings
	 * @param location the location after {@code etcd:}
	 * @param profiles the active profiles
	 * @param optionalLocation whether the location was marked {@code optional:};
	 * etcd.config.fail-fast=false makes the resource optional too
	 * @return the resource
	 */
	public static EtcdConfigDataResource create(Binder binder, String location, Collection<String> profiles,
			boolean optionalLocation) {
		EtcdProperties connection = binder.bind(EtcdProperties.PREFIX, Bindable.of(EtcdProperties.class))
			.orElseGet(EtcdProperties::new);
		EtcdConfigProperties config = binder.bind(EtcdConfigProperties.PREFIX, Bindable.of(EtcdConfigProperties.class))
			.orElseGet(EtcdConfigProperties::new);
		applyLocation(location, connection, config);
		validate(connection, EtcdProperties.PREFIX);
		validate(config, EtcdConfigProperties.PREFIX);
		String application = binder.bind("spring.application.name", String.class).orElse(null);
		EtcdConfigLayout layout = EtcdConfigLayout.resolve(config.getPrefixes(), application, profiles)
			.withRolloutLayers();
		SslBundle sslBundle = StringUtils.hasText(connection.getSsl().getBundle())
				? sslBundle(binder, connection.getSsl().getBundle()) : null;
		return new EtcdConfigDataResource(connection, config, layout, sslBundle,
				optionalLocation || !config.isFailFast());
	}

	private static void applyLocation(String location, EtcdProperties connection, EtcdConfigProperties config) {
		if (!StringUtils.hasText(location)) {
			return;
		}
		String endpoints = location;
		int query = location.indexOf('?');
		if (query >= 0) {
			endpoints = location.substring(0, query);
			String parameters = location.substring(query + 1);
			if (!parameters.startsWith(PREFIXES_PARAMETER)) {
				throw new InvalidConfigurationPropertyValueException("spring.config.import", LOCATION_PREFIX + location,
						"the only parameter of an etcd: location is ?prefixes=/a/;/b/");
			}
			config.setPrefixes(split(parameters.substring(PREFIXES_PARAMETER.length())));
		}
		if (StringUtils.hasText(endpoints)) {
			List<URI> uris = new ArrayList<>();
			for (String endpoint : split(endpoints)) {
				uris.add(URI.create(endpoint));
			}
			connection.setEndpoints(uris);
		}
	}

	private static List<String> split(String value) {
		List<String> parts = new ArrayList<>();
		for (String part : value.split(";")) {
			if (StringUtils.hasText(part)) {
				parts.add(part.trim());
			}
		}
		return parts;
	}

	private static void validate(Validator validator, String prefix) {
		BeanPropertyBindingResult errors = new BeanPropertyBindingResult(validator, prefix);
		ValidationUtils.invokeValidator(validator, validator, errors);
		if (errors.hasErrors()) {
			FieldError first = errors.getFieldErrors().get(0);
			List<String> reasons = errors.getAllErrors().stream().map((error) -> error.getDefaultMessage()).toList();
			Object value = (first.getRejectedValue() instanceof URI uri) ? EtcdEndpoints.redact(uri)
					: first.getRejectedValue();
			throw new InvalidConfigurationPropertyValueException(prefix + "." + dashed(first.getField()), value,
					String.join("; ", reasons));
		}
	}

	private static String dashed(String field) {
		return field.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

	private static SslBundle sslBundle(Binder binder, String name) {
		SslProperties ssl = binder.bind("spring.ssl", Bindable.of(SslProperties.class)).orElseGet(SslProperties::new);
		PemSslBundleProperties pem = ssl.getBundle().getPem().get(name);
		if (pem != null) {
			return PropertiesSslBundle.get(pem, ApplicationResourceLoader.get());
		}
		JksSslBundleProperties jks = ssl.getBundle().getJks().get(name);
		if (jks != null) {
			return PropertiesSslBundle.get(jks, ApplicationResourceLoader.get());
		}
		throw new InvalidConfigurationPropertyValueException("etcd.ssl.bundle", name, "no SSL bundle named '" + name
				+ "' is configured under spring.ssl.bundle.pem or spring.ssl.bundle.jks");
	}

	public EtcdProperties getConnection() {
		return this.connection;
	}

	public EtcdConfigProperties getConfig() {
		return this.config;
	}

	public EtcdConfigLayout getLayout() {
		return this.layout;
	}

	/**
	 * Whether start-up goes on without etcd: {@code optional:etcd:} or
	 * etcd.config.fail-fast=false.
	 * @return whether the resource is optional
	 */
	public boolean isOptional() {
		return this.optional;
	}

	/**
	 * The SSL bundle named by etcd.ssl.bundle.
	 * @return the bundle, or {@code null}
	 */
	public SslBundle getSslBundle() {
		return this.sslBundle;
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof EtcdConfigDataResource that)) {
			return false;
		}
		return this.connection.getEndpoints().equals(that.connection.getEndpoints())
				&& Objects.equals(this.connection.getNamespace(), that.connection.getNamespace())
				&& Objects.equals(this.connection.getUsername(), that.connection.getUsername())
				&& this.layout.prefixes().equals(that.layout.prefixes());
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.connection.getEndpoints(), this.connection.getNamespace(),
				this.connection.getUsername(), this.layout.prefixes());
	}

	@Override
	public String toString() {
		return "etcd " + EtcdEndpoints.describe(this.connection.getEndpoints()) + " prefixes " + this.layout.prefixes();
	}

}
