package io.github.etcdconfig.refresh;

import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.MergedBeanDefinitionPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.PropertyResolver;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Decides which {@code @RefreshScope} beans a change touches, so only those are
 * re-created.
 *
 * <p>
 * A bean is understood when its class (or its {@code @Bean} method and configuration
 * class) reads configuration only through {@code @Value} placeholders and
 * {@code @ConfigurationProperties}, its own or those of the beans it was created with. It
 * is touched when a changed name is one of its placeholders or meets one of those
 * prefixes. A bean that takes the {@code Environment}, uses SpEL that reads it, or whose
 * type is unknown, is touched by every change.
 *
 * <p>
 * A bean post-processor, registered as a static bean: a bean defined again under the same
 * name may read other names, or have left the scope, and the bean factory tells its
 * post-processors of such a reset, where the names alone would not show it.
 */
class EtcdRefreshScopeTargets implements MergedBeanDefinitionPostProcessor, BeanFactoryAware {

	private static final String REFRESH_SCOPE = "refresh";

	private ConfigurableListableBeanFactory beanFactory;

	private final Map<String, Interest> interests = new ConcurrentHashMap<>();

	/**
	 * Definitions reset so far: what was worked out from a definition before its reset is
	 * not kept.
	 */
	private final AtomicLong resets = new AtomicLong();

	private volatile RefreshScoped refreshScoped;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void postProcessMergedBeanDefinition(RootBeanDefinition definition, Class<?> type, String name) {
		// Only told of resets; a definition is read when a change needs it.
	}

	@Override
	public void resetBeanDefinition(String name) {
		forget(name);
	}

	/**
	 * The refresh-scoped beans a change touches.
	 * @param changed the changed names, placeholders resolved
	 * @return the bean names, as given to {@code RefreshScope.refresh(String)}
	 */
	List<String> touchedBy(ChangedProperties changed) {
		List<String> touched = new ArrayList<>();
		for (String name : refreshScoped()) {
			if (touches(name, changed)) {
				touched.add(ScopedProxyUtils.isScopedTarget(name) ? ScopedProxyUtils.getOriginalBeanName(name) : name);
			}
		}
		return touched;
	}

	// Counted before the removal, so that what a change is working out meanwhile is not
	// kept (see touches).
	private void forget(String name) {
		this.resets.incrementAndGet();
		this.interests.remove(name);
	}

	// Looking at every bean definition was a tenth of a change's work; their names tell
	// when to look again.
	private List<String> refreshScoped() {
		long resets = this.resets.get();
		String[] definitions = this.beanFactory.getBeanDefinitionNames();
		RefreshScoped refreshScoped = this.refreshScoped;
		if (refreshScoped == null || refreshScoped.resets() != resets
				|| !Arrays.equals(refreshScoped.definitions(), definitions)) {
			List<String> names = new ArrayList<>();
			for (String name : definitions) {
				if (REFRESH_SCOPE.equals(this.beanFactory.getBeanDefinition(name).getScope())) {
					names.add(name);
				}
			}
			refreshScoped = new RefreshScoped(resets, definitions, List.copyOf(names));
			this.refreshScoped = refreshScoped;
		}
		return refreshScoped.names();
	}

	private boolean touches(String name, ChangedProperties changed) {
		Interest interest = this.interests.get(name);
		if (interest == null) {
			long resets = this.resets.get();
			interest = interest(name);
			if (interest != Interest.UNKNOWN_YET) {
				this.interests.put(name, interest);
				// The definition was reset while it was read: what was read may be the
				// old one's.
				if (this.resets.get() != resets) {
					this.interests.remove(name, interest);
				}
			}
		}
		if (interest.everything || interest.placeholders.stream().anyMatch(changed::contains)
				|| interest.prefixes.stream().anyMatch(changed::touches)) {
			return true;
		}
		// The beans it was created with are known once it exists: their
		// @ConfigurationProperties count too.
		for (String dependency : this.beanFactory.getDependenciesForBean(name)) {
			if ("environment".equals(dependency)) {
				return true;
			}
			ConfigurationProperties properties = this.beanFactory.containsBean(dependency)
					? this.beanFactory.findAnnotationOnBean(dependency, ConfigurationProperties.class) : null;
			if (properties != null && changed.touches(ConfigurationPropertyName.of(properties.prefix()))) {
				return true;
			}
		}
		return false;
	}

	private Interest interest(String name) {
		Class<?> type = this.beanFactory.getType(name, false);
		if (type == null) {
			return Interest.EVERYTHING;
		}
		type = ClassUtils.getUserClass(type);
		Interest interest = new Interest();
		if (this.beanFactory.getMergedBeanDefinition(name) instanceof RootBeanDefinition definition
				&& definition.getFactoryMethodName() != null) {
			Method factoryMethod = definition.getResolvedFactoryMethod();
			String factoryBean = definition.getFactoryBeanName();
			Class<?> configuration = (factoryBean != null) ? this.beanFactory.getType(factoryBean, false) : null;
			if (factoryMethod == null || (factoryBean != null && configuration == null)) {
				// Resolved when the bean is first created; until then it has nothing to
				// refresh.
				return Interest.UNKNOWN_YET;
			}
			addExecutable(interest, factoryMethod);
			addPrefix(interest,
					AnnotatedElementUtils.findMergedAnnotation(factoryMethod, ConfigurationProperties.class));
			if (configuration != null) {
				addMembers(interest, ClassUtils.getUserClass(configuration), false);
			}
			// The instance the method returns gets its @Value fields and methods injected
			// too.
			addMembers(interest, type, false);
		}
		else {
			addMembers(interest, type, true);
		}
		addPrefix(interest, AnnotatedElementUtils.findMergedAnnotation(type, ConfigurationProperties.class));
		if (EnvironmentAware.class.isAssignableFrom(type)) {
			return Interest.EVERYTHING;
		}
		return interest;
	}

	private void addMembers(Interest interest, Class<?> type, boolean constructors) {
		ReflectionUtils.doWithFields(type, (field) -> {
			if (!Modifier.isStatic(field.getModifiers())) {
				addValue(interest, field.getAnnotation(Value.class));
				addType(interest, field.getType());
			}
		});
		// The parameters of a @Bean method are its own bean's, not those of the others
		// from the same class.
		ReflectionUtils.doWithMethods(type, (method) -> {
			addValue(interest, AnnotatedElementUtils.findMergedAnnotation(method, Value.class));
			addExecutable(interest, method);
		}, (method) -> !Modifier.isStatic(method.getModifiers()) && method.getDeclaringClass() != Object.class
				&& !AnnotatedElementUtils.hasAnnotation(method, Bean.class));
		if (constructors) {
			for (Executable constructor : type.getDeclaredConstructors()) {
				addExecutable(interest, constructor);
			}
		}
	}

	private void addExecutable(Interest interest, Executable executable) {
		for (Parameter parameter : executable.getParameters()) {
			addValue(interest, parameter.getAnnotation(Value.class));
			addType(interest, parameter.getType());
		}
	}

	private void addType(Interest interest, Class<?> type) {
		if (PropertyResolver.class.isAssignableFrom(type)) {
			interest.everything = true;
		}
	}

	private void addValue(Interest interest, Value value) {
		if (value == null) {
			return;
		}
		String expression = value.value();
		if (expression.contains("#{") && (expression.contains("environment") || expression.contains("Properties"))) {
			interest.everything = true;
		}
		interest.placeholders.addAll(Placeholders.names(expression));
	}

	private void addPrefix(Interest interest, ConfigurationProperties properties) {
		if (properties != null) {
			interest.prefixes.add(ConfigurationPropertyName.of(properties.prefix()));
		}
	}

	/**
	 * The refresh-scoped beans among the bean definitions.
	 *
	 * @param resets the definitions reset before they were looked at
	 * @param definitions the names of all bean definitions at the time
	 * @param names the refresh-scoped ones
	 */
	private record RefreshScoped(long resets, String[] definitions, List<String> names) {
	}

	/**
	 * What a bean reads: its {@code @Value} placeholders and
	 * {@code @ConfigurationProperties} prefixes, or everything when that cannot be told.
	 */
	private static final class Interest {

		static final Interest EVERYTHING = new Interest(true);

		static final Interest UNKNOWN_YET = new Interest(true);

		final Set<String> placeholders = new LinkedHashSet<>();

		final Set<ConfigurationPropertyName> prefixes = new LinkedHashSet<>();

		boolean everything;

		Interest() {
		}

		private Interest(boolean everything) {
			this.everything = everything;
		}

	}

}
