package io.github.etcdconfig.refresh;

import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.beans.BeansException;
import org.springframework.beans.TypeConverter;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.config.BeanExpressionContext;
import org.springframework.beans.factory.config.BeanExpressionResolver;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Keeps {@code @Value} fields and {@code @Value} setter methods of singleton beans
 * current, without {@code @RefreshScope}. It records each injection point when a bean is
 * created and, on every {@link EnvironmentChangeEvent}, injects again the points whose
 * placeholders name a changed property: the expression is resolved the way the container
 * did (defaults and nested placeholders, then SpEL, then the bean factory's type
 * conversion). Values passed to constructors cannot change.
 *
 * <p>
 * Readers on other threads see a new field value without delay only if the field is
 * {@code volatile}.
 *
 * <p>
 * A point that cannot be updated keeps its value and is reported to the refresher with
 * its property names and the reason, never the value: the revision counts as rejected.
 * The points of {@code @RefreshScope} beans, which are created again instead, are
 * resolved and converted too when a change touches them, so that a value their next
 * creation would fail on rejects the revision at once, and the bean is reported so that
 * it is not created again until a revision applies cleanly. {@link #verify} resolves and
 * converts the same way and injects nothing, to judge a proposed change.
 *
 * <p>
 * Ahead of time it registers reflection hints for the {@code @Value} fields and setters
 * of every bean, which it reads and writes by reflection, so that updates work in a
 * native image too.
 */
public class EtcdValueUpdater implements BeanPostProcessor, BeanFactoryAware, BeanRegistrationAotProcessor,
		ApplicationListener<EnvironmentChangeEvent> {

	private static final Log logger = LogFactory.getLog(EtcdValueUpdater.class);

	private final SingletonSupplier<EtcdPlaceholderDependencies> dependencies;

	private final Map<String, List<Target>> targetsByName = new ConcurrentHashMap<>();

	private final Map<String, Map<String, Target>> scopedByName = new ConcurrentHashMap<>();

	private ConfigurableListableBeanFactory beanFactory;

	// A provider: a post-processor must not pull ordinary beans into existence early.
	// Resolved at the first change
	// and kept, as resolving it costs more than the look-ups it serves.
	public EtcdValueUpdater(ObjectProvider<EtcdPlaceholderDependencies> dependencies) {
		this.dependencies = SingletonSupplier.of(dependencies::getObject);
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
		if (isSingleton(beanName)) {
			doWithValueMembers(ClassUtils.getUserClass(bean), (member, value) -> record(bean, beanName, member, value));
		}
		else if (beanName != null && ScopedProxyUtils.isScopedTarget(beanName)) {
			doWithValueMembers(ClassUtils.getUserClass(bean), (member, value) -> recordScoped(beanName, member, value));
		}
		return bean;
	}

	@Override
	public BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
		List<Member> members = new ArrayList<>();
		doWithValueMembers(ClassUtils.getUserClass(registeredBean.getBeanType().toClass()),
				(member, value) -> members.add(member));
		if (members.isEmpty()) {
			return null;
		}
		return (generationContext, code) -> {
			ReflectionHints reflection = generationContext.getRuntimeHints().reflection();
			members.forEach((member) -> {
				if (member instanceof Field field) {
					reflection.registerField(field);
				}
				else {
					reflection.registerMethod((Method) member, ExecutableMode.INVOKE);
				}
			});
		};
	}

	/**
	 * Processed ahead of time like any bean: it is needed at run time too.
	 * @return {@code false}
	 */
	@Override
	public boolean isBeanExcludedFromAotProcessing() {
		return false;
	}

	// The injection points this updater keeps current: non-static @Value fields and
	// one-argument @Value methods.
	private static void doWithValueMembers(Class<?> type, BiConsumer<Member, Value> action) {
		ReflectionUtils.doWithFields(type, (field) -> action.accept(field, field.getAnnotation(Value.class)),
				(field) -> !Modifier.isStatic(field.getModifiers()) && field.isAnnotationPresent(Value.class));
		ReflectionUtils.doWithMethods(type,
				(method) -> action.accept(method, AnnotatedElementUtils.findMergedAnnotation(method, Value.class)),
				(method) -> !Modifier.isStatic(method.getModifiers()) && method.getParameterCount() == 1
						&& AnnotatedElementUtils.hasAnnotation(method, Value.class));
	}

	private boolean isSingleton(String beanName) {
		if (beanName == null || ScopedProxyUtils.isScopedTarget(beanName)) {
			return false;
		}
		// Beans registered as ready-made singletons have no definition.
		return !this.beanFactory.containsBeanDefinition(beanName)
				|| this.beanFactory.getMergedBeanDefinition(beanName).isSingleton();
	}

	private void record(Object bean, String beanName, Member member, Value value) {
		if (value == null) {
			return;
		}
		Set<String> names = Placeholders.names(value.value());
		if (names.isEmpty()) {
			return;
		}
		Target target = new Target(new WeakReference<>(bean), beanName, member, value.value());
		for (String name : names) {
			this.targetsByName.computeIfAbsent(name, (key) -> new CopyOnWriteArrayList<>()).add(target);
		}
	}

	// A scoped bean (@RefreshScope) is created again rather than updated: its points are
	// kept, one per bean and member, to check that the new values will do.
	private void recordScoped(String beanName, Member member, Value value) {
		Set<String> names = (value != null) ? Placeholders.names(value.value()) : Set.of();
		if (names.isEmpty()) {
			return;
		}
		Target target = new Target(new WeakReference<>(null), ScopedProxyUtils.getOriginalBeanName(beanName), member,
				value.value());
		for (String name : names) {
			this.scopedByName.computeIfAbsent(name, (key) -> new ConcurrentHashMap<>())
				.put(beanName + "#" + member, target);
		}
	}

	@Override
	public void onApplicationEvent(EnvironmentChangeEvent event) {
		if ((this.targetsByName.isEmpty() && this.scopedByName.isEmpty()) || event.getKeys().isEmpty()) {
			return;
		}
		TypeConverter converter = this.beanFactory.getTypeConverter();
		ChangedProperties changed = this.dependencies.obtain().changedBy(event);
		for (Target target : touched(changed)) {
			Object bean = target.bean().get();
			if (bean == null) {
				this.targetsByName.values().forEach((list) -> list.remove(target));
				continue;
			}
			inject(target, bean, converter, event);
		}
		// What creating a touched scoped bean again would resolve, checked now rather
		// than failing at its next use: a bean that would fail is not refreshed, and
		// keeps its live instance and previous values.
		List<EtcdRejectedProperty> rejected = new ArrayList<>();
		Set<String> beans = new LinkedHashSet<>();
		for (Target target : touchedScoped(changed)) {
			EtcdRejectedProperty failure = check(target, converter);
			if (failure != null) {
				rejected.add(failure);
				beans.add(target.beanName());
			}
		}
		if (!rejected.isEmpty()) {
			logger.warn("Re-creating @RefreshScope beans " + beans
					+ " would fail with the changed configuration; they keep their previous values: " + rejected);
			EtcdEnvironmentChangeEvent.reject(event, rejected);
			EtcdEnvironmentChangeEvent.rejectScoped(event, beans);
		}
	}

	/**
	 * Resolve and convert every injection point that changed names touch, as a change
	 * would, and inject nothing. Called while the environment shows the values to verify.
	 * @param names the changed names, placeholders followed
	 * @return the properties that would fail, and why
	 */
	public List<EtcdRejectedProperty> verify(Collection<String> names) {
		if (names.isEmpty()) {
			return new ArrayList<>();
		}
		ChangedProperties changed = ChangedProperties.of(names);
		List<Target> targets = new ArrayList<>(touched(changed));
		targets.removeIf((target) -> target.bean().get() == null);
		targets.addAll(touchedScoped(changed));
		return check(targets, this.beanFactory.getTypeConverter());
	}

	private List<EtcdRejectedProperty> check(Collection<Target> targets, TypeConverter converter) {
		List<EtcdRejectedProperty> rejected = new ArrayList<>();
		for (Target target : targets) {
			EtcdRejectedProperty failure = check(target, converter);
			if (failure != null) {
				rejected.add(failure);
			}
		}
		return rejected;
	}

	// Why the point would fail, or null if it resolves and converts.
	private EtcdRejectedProperty check(Target target, TypeConverter converter) {
		try {
			resolve(target, converter);
			return null;
		}
		catch (Exception ex) {
			return reason(target, ex);
		}
	}

	private Collection<Target> touchedScoped(ChangedProperties changed) {
		Map<String, Target> targets = new LinkedHashMap<>();
		this.scopedByName.forEach((name, byMember) -> {
			if (changed.contains(name)) {
				targets.putAll(byMember);
			}
		});
		return targets.values();
	}

	private Set<Target> touched(ChangedProperties changed) {
		Set<Target> targets = Collections.newSetFromMap(new IdentityHashMap<>());
		this.targetsByName.forEach((name, list) -> {
			if (changed.contains(name)) {
				targets.addAll(list);
			}
		});
		return targets;
	}

	private void inject(Target target, Object bean, TypeConverter converter, EnvironmentChangeEvent event) {
		try {
			Object converted = resolve(target, converter);
			if (target.member() instanceof Field field) {
				ReflectionUtils.makeAccessible(field);
				field.set(bean, converted);
			}
			else {
				Method method = (Method) target.member();
				ReflectionUtils.makeAccessible(method);
				method.invoke(bean, converted);
			}
		}
		catch (Exception ex) {
			// Keep the old value: a half-resolved one is worse.
			EtcdRejectedProperty rejected = reason(target, ex);
			logger.warn("Could not update @Value(\"" + target.expression() + "\") of bean '" + target.beanName() + "' ("
					+ target.member().getName() + "); it keeps its previous value: " + rejected.reason());
			EtcdEnvironmentChangeEvent.reject(event, List.of(rejected));
		}
	}

	// The value to inject, resolved the way the container did: placeholders, then SpEL,
	// then type conversion.
	private Object resolve(Target target, TypeConverter converter) {
		Object value = this.beanFactory.resolveEmbeddedValue(target.expression());
		BeanExpressionResolver expressions = this.beanFactory.getBeanExpressionResolver();
		if (expressions != null && value instanceof String text) {
			value = expressions.evaluate(text, new BeanExpressionContext(this.beanFactory, null));
		}
		if (target.member() instanceof Field field) {
			return converter.convertIfNecessary(value, field.getType(), field);
		}
		MethodParameter parameter = new MethodParameter((Method) target.member(), 0);
		return converter.convertIfNecessary(value, parameter.getParameterType(), parameter);
	}

	// Not the exception's own message: a failed conversion quotes the value, which may be
	// a secret.
	private static EtcdRejectedProperty reason(Target target, Exception ex) {
		Throwable failure = (ex instanceof InvocationTargetException invocation) ? invocation.getTargetException() : ex;
		return EtcdRejectionReasons.value(target.expression(), target.beanName(), target.member().getName(), failure);
	}

	/**
	 * One injection point.
	 *
	 * @param bean the bean, weakly held
	 * @param beanName its name
	 * @param member the field or setter
	 * @param expression the {@code @Value} expression
	 */
	private record Target(WeakReference<Object> bean, String beanName, Member member, String expression) {
	}

}
