package io.github.etcdconfig.refresh;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.aop.framework.Advised;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.beans.BeansException;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindingPostProcessor;
import org.springframework.boot.context.properties.bind.BindMethod;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration.RefreshProperties;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.properties.ConfigurationPropertiesBeans;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.context.ApplicationContext;

/**
 * Rebinds {@code @ConfigurationProperties} beans without torn reads, and only the beans a
 * change touches.
 *
 * <p>
 * Spring Cloud's rebinder resets every bound bean to its defaults and binds it again, so
 * a thread reading an unchanged property meanwhile can see a default. This one binds a
 * fresh instance of the bean's class with Spring Boot's own binding (conversion and
 * validation included) and then copies over only the properties whose value differs. A
 * property that did not change is never written; a deleted key's property gets the fresh
 * instance's default. A reader of a changed property sees its old or its new value; a
 * changed collection without a setter is updated in place, entry by entry, and a reader
 * iterating it meanwhile may see a mix. When binding fails, for example validation
 * rejects the new values, the bean is left as it was.
 *
 * <p>
 * A bean is touched when a changed name is its prefix, lies under it or above it,
 * including names that change through placeholders. Beans without a no-argument
 * constructor are bound in place, and constructor-bound beans are never rebound, as in
 * Spring Cloud.
 *
 * <p>
 * A bean that fails to bind is reported to the refresher with its property names and the
 * reasons, never the values, and the revision counts as rejected. {@link #verify} binds
 * fresh copies the same way and keeps none, to judge a proposed change.
 */
public class EtcdConfigurationPropertiesRebinder extends ConfigurationPropertiesRebinder {

	private static final Log logger = LogFactory.getLog(EtcdConfigurationPropertiesRebinder.class);

	private final ConfigurationPropertiesBeans beans;

	private static final ConfigurationPropertyName UNKNOWN = ConfigurationPropertyName.of("etcd-config.unknown");

	private final EtcdPlaceholderDependencies dependencies;

	// Looked up once per bean: a change must not cost an annotation scan of every bound
	// bean.
	private final Map<String, ConfigurationPropertyName> prefixes = new ConcurrentHashMap<>();

	private ApplicationContext applicationContext;

	public EtcdConfigurationPropertiesRebinder(ConfigurationPropertiesBeans beans, RefreshProperties refreshProperties,
			EtcdPlaceholderDependencies dependencies) {
		super(beans, refreshProperties);
		this.beans = beans;
		this.dependencies = dependencies;
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) throws BeansException {
		super.setApplicationContext(applicationContext);
		this.applicationContext = applicationContext;
	}

	@Override
	public void onApplicationEvent(EnvironmentChangeEvent event) {
		if (!this.applicationContext.equals(event.getSource()) && !event.getKeys().equals(event.getSource())) {
			return;
		}
		ChangedProperties changed = this.dependencies.changedBy(event);
		if (changed.isEmpty()) {
			return;
		}
		getErrors().clear();
		for (String name : this.beans.getBeanNames()) {
			if (touches(name, changed)) {
				rebind(name, event);
			}
		}
	}

	/**
	 * Bind a fresh copy of every bean that changed names touch, with validation, as a
	 * change would rebind them, and keep nothing: the beans are left as they are. Called
	 * while the environment shows the values to verify.
	 * @param names the changed names, placeholders followed
	 * @return the properties that would fail, and why
	 */
	public List<EtcdRejectedProperty> verify(Collection<String> names) {
		ChangedProperties changed = ChangedProperties.of(names);
		List<EtcdRejectedProperty> rejected = new ArrayList<>();
		for (String name : this.beans.getBeanNames()) {
			if (this.applicationContext.containsBean(name) && touches(name, changed)) {
				try {
					Object bean = this.applicationContext.getBean(name);
					ConfigurationPropertiesBindingPostProcessor binding = binding(name, bean);
					Class<?> type = AopUtils.getTargetClass(bean);
					// A bean without a no-argument constructor is only ever bound in
					// place,
					// which a verification must not do.
					if (binding != null && hasDefaultConstructor(type)) {
						bindFresh(binding, type, name);
					}
				}
				catch (RuntimeException ex) {
					rejected.addAll(reasons(name, ex));
				}
			}
		}
		return rejected;
	}

	private List<EtcdRejectedProperty> reasons(String name, RuntimeException ex) {
		ConfigurationPropertyName prefix = this.prefixes.getOrDefault(name, UNKNOWN);
		return EtcdRejectionReasons.binding(name, (prefix != UNKNOWN) ? prefix.toString() : "", ex);
	}

	private boolean touches(String name, ChangedProperties changed) {
		ConfigurationPropertyName prefix = this.prefixes.computeIfAbsent(name, this::prefixOf);
		return prefix == UNKNOWN || changed.touches(prefix);
	}

	private ConfigurationPropertyName prefixOf(String name) {
		ConfigurationPropertiesBean properties = ConfigurationPropertiesBean.get(this.applicationContext,
				target(this.applicationContext.getBean(name)), name);
		return (properties != null) ? ConfigurationPropertyName.of(properties.getAnnotation().prefix()) : UNKNOWN;
	}

	@Override
	public boolean rebind(String name) {
		return rebind(name, null);
	}

	private boolean rebind(String name, EnvironmentChangeEvent event) {
		if (!this.beans.getBeanNames().contains(name) || !this.applicationContext.containsBean(name)) {
			return false;
		}
		try {
			return rebindInPlace(name);
		}
		catch (RuntimeException ex) {
			getErrors().put(name, ex);
			List<EtcdRejectedProperty> rejected = reasons(name, ex);
			// Not the exception's message: Spring's quote the value.
			logger.error("Cannot rebind '" + name + "' to the changed configuration; it keeps its previous values: "
					+ rejected);
			if (event != null) {
				EtcdEnvironmentChangeEvent.reject(event, rejected);
			}
			return false;
		}
	}

	private boolean rebindInPlace(String name) {
		Object bean = this.applicationContext.getBean(name);
		ConfigurationPropertiesBindingPostProcessor binding = binding(name, bean);
		if (binding == null) {
			return false;
		}
		Object target = target(bean);
		Class<?> type = AopUtils.getTargetClass(bean);
		if (!hasDefaultConstructor(type)) {
			binding.postProcessBeforeInitialization(target, name);
			return true;
		}
		copyChanged(bindFresh(binding, type, name), target, Collections.newSetFromMap(new IdentityHashMap<>()));
		return true;
	}

	// What binds the bean, or null when it is never rebound (never refreshable,
	// constructor-bound).
	private ConfigurationPropertiesBindingPostProcessor binding(String name, Object bean) {
		Class<?> type = AopUtils.getTargetClass(bean);
		if (getNeverRefreshable().contains(type.getName()) || getNeverRefreshable().contains(name)) {
			return null;
		}
		ConfigurationPropertiesBean properties = ConfigurationPropertiesBean.get(this.applicationContext, target(bean),
				name);
		if (properties == null || properties.asBindTarget().getBindMethod() == BindMethod.VALUE_OBJECT) {
			return null;
		}
		return this.applicationContext.getBean(ConfigurationPropertiesBindingPostProcessor.BEAN_NAME,
				ConfigurationPropertiesBindingPostProcessor.class);
	}

	// A new instance of the bean's class bound to the environment as it is, validation
	// included: what a change
	// applies, and what a verification checks.
	private static Object bindFresh(ConfigurationPropertiesBindingPostProcessor binding, Class<?> type, String name) {
		Object fresh = BeanUtils.instantiateClass(type);
		binding.postProcessBeforeInitialization(fresh, name);
		return fresh;
	}

	private static Object target(Object bean) {
		if (AopUtils.isAopProxy(bean) && bean instanceof Advised advised) {
			try {
				Object target = advised.getTargetSource().getTarget();
				return (target != null) ? target : bean;
			}
			catch (Exception ex) {
				return bean;
			}
		}
		return bean;
	}

	private static boolean hasDefaultConstructor(Class<?> type) {
		for (Constructor<?> constructor : type.getDeclaredConstructors()) {
			if (constructor.getParameterCount() == 0) {
				return true;
			}
		}
		return false;
	}

	// Writes only what differs, so readers of unchanged properties never see an
	// intermediate state.
	@SuppressWarnings({ "unchecked", "rawtypes" })
	private void copyChanged(Object source, Object target, Set<Object> visited) {
		if (!visited.add(target)) {
			return;
		}
		BeanWrapper from = new BeanWrapperImpl(source);
		BeanWrapper to = new BeanWrapperImpl(target);
		for (PropertyDescriptor descriptor : to.getPropertyDescriptors()) {
			String property = descriptor.getName();
			if ("class".equals(property) || !from.isReadableProperty(property) || !to.isReadableProperty(property)) {
				continue;
			}
			Object newValue = from.getPropertyValue(property);
			Object oldValue = to.getPropertyValue(property);
			if (Objects.deepEquals(newValue, oldValue)) {
				continue;
			}
			if (to.isWritableProperty(property)) {
				to.setPropertyValue(property, newValue);
			}
			else if (oldValue instanceof Map map && newValue instanceof Map newMap) {
				map.keySet().retainAll(newMap.keySet());
				newMap.forEach((key, value) -> {
					if (!Objects.deepEquals(map.get(key), value)) {
						map.put(key, value);
					}
				});
			}
			else if (oldValue instanceof List list && newValue instanceof List newList) {
				if (list.size() == newList.size()) {
					for (int i = 0; i < list.size(); i++) {
						if (!Objects.deepEquals(list.get(i), newList.get(i))) {
							list.set(i, newList.get(i));
						}
					}
				}
				else {
					list.clear();
					list.addAll(newList);
				}
			}
			else if (oldValue instanceof Collection collection && newValue instanceof Collection newCollection) {
				collection.retainAll(newCollection);
				for (Object element : newCollection) {
					if (!collection.contains(element)) {
						collection.add(element);
					}
				}
			}
			else if (oldValue != null && newValue != null && oldValue.getClass() == newValue.getClass()
					&& isNestedBean(oldValue.getClass())) {
				copyChanged(newValue, oldValue, visited);
			}
		}
	}

	// Types of the application's own: not the JDK's, nor standard APIs, nor simple
	// values.
	private static boolean isNestedBean(Class<?> type) {
		ClassLoader loader = type.getClassLoader();
		String name = type.getName();
		return !type.isArray() && !BeanUtils.isSimpleValueType(type) && loader != null
				&& loader != ClassLoader.getPlatformClassLoader() && !name.startsWith("jakarta.")
				&& !name.startsWith("javax.");
	}

}
