package io.github.etcdconfig.refresh;

import java.util.concurrent.atomic.AtomicInteger;

import io.github.etcdconfig.support.Applied;
import io.github.etcdconfig.test.Apps;
import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanDefinitionHolder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A change re-creates the {@code @RefreshScope} beans that read it, and leaves the others
 * as they are.
 */
class EtcdRefreshScopeTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	EtcdKeys keys;

	ConfigurableApplicationContext context;

	@BeforeEach
	void start() {
		this.keys = new EtcdKeys(etcd.cluster().newClient());
		this.keys.deletePrefix("/config/");
		this.keys.put("/config/database/host", "postgres");
		this.keys.put("/config/database/port", "5432");
		this.context = Apps.run(etcd.cluster(), new Class<?>[] { Beans.class }, "spring.config.name=scope");
	}

	@AfterEach
	void stop() {
		this.context.close();
		this.keys.client().close();
	}

	private void putAndAwaitRefresh(String key, String value) {
		Applied.awaitRevision(this.context, this.keys.put(key, value));
	}

	private Reader bean(String name) {
		return this.context.getBean(name, Reader.class);
	}

	@Test
	void aChangeReCreatesTheBeansThatReadItAndNoOther() {
		int host = bean("host").instance();
		int port = bean("port").instance();
		putAndAwaitRefresh("/config/database/host", "db-2");
		assertThat(bean("host").value()).isEqualTo("db-2");
		assertThat(bean("host").instance()).isNotEqualTo(host);
		assertThat(bean("port").instance()).isEqualTo(port);
	}

	@Test
	void aBeanThatReadsTheEnvironmentIsReCreatedByEveryChange() {
		int environment = bean("environment-reader").instance();
		putAndAwaitRefresh("/config/database/port", "5433");
		assertThat(bean("environment-reader").value()).isEqualTo("postgres:5433");
		assertThat(bean("environment-reader").instance()).isNotEqualTo(environment);
	}

	@Test
	void aRefreshScopeBeanRegisteredAfterStartUpFollowsTheChangesItReads() {
		putAndAwaitRefresh("/config/database/host", "db-3");
		register("late-port", PortReader.class);
		assertThat(bean("late-port").value()).isEqualTo("5432");
		putAndAwaitRefresh("/config/database/port", "5434");
		assertThat(bean("late-port").value()).isEqualTo("5434");
	}

	@Test
	void aRefreshScopeBeanDefinedAgainUnderItsNameFollowsWhatTheNewDefinitionReads() {
		register("late", PortReader.class);
		putAndAwaitRefresh("/config/database/port", "5435");
		assertThat(bean("late").value()).isEqualTo("5435");
		BeanDefinitionRegistry registry = (BeanDefinitionRegistry) this.context.getBeanFactory();
		registry.removeBeanDefinition("late");
		registry.removeBeanDefinition(ScopedProxyUtils.getTargetBeanName("late"));
		register("late", HostReader.class);
		putAndAwaitRefresh("/config/database/host", "db-4");
		assertThat(bean("late").value()).isEqualTo("db-4");
	}

	private void register(String name, Class<? extends Reader> type) {
		RootBeanDefinition definition = new RootBeanDefinition(type);
		definition.setScope("refresh");
		BeanDefinitionRegistry registry = (BeanDefinitionRegistry) this.context.getBeanFactory();
		BeanDefinitionHolder proxy = ScopedProxyUtils.createScopedProxy(new BeanDefinitionHolder(definition, name),
				registry, true);
		registry.registerBeanDefinition(proxy.getBeanName(), proxy.getBeanDefinition());
	}

	@Configuration(proxyBeanMethods = false)
	static class Beans {

		@Bean
		@RefreshScope
		Reader host(@Value("${database.host}") String host) {
			return new Reader(host);
		}

		@Bean
		@RefreshScope
		Reader port(@Value("${database.port}") String port) {
			return new Reader(port);
		}

		@Bean("environment-reader")
		@RefreshScope
		Reader environmentReader(Environment environment) {
			return new Reader(
					environment.getProperty("database.host") + ":" + environment.getProperty("database.port"));
		}

	}

	static class PortReader extends Reader {

		PortReader(@Value("${database.port}") String port) {
			super(port);
		}

	}

	static class HostReader extends Reader {

		HostReader(@Value("${database.host}") String host) {
			super(host);
		}

	}

	static class Reader {

		private static final AtomicInteger created = new AtomicInteger();

		private final String value;

		private final int instance = created.incrementAndGet();

		Reader(String value) {
			this.value = value;
		}

		String value() {
			return this.value;
		}

		/** Which instance is behind the scoped proxy. */
		int instance() {
			return this.instance;
		}

	}

}
