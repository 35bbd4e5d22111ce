package io.github.etcdconfig.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.etcdconfig.refresh.EtcdConfigChangedEvent;
import io.github.etcdconfig.refresh.EtcdConfigRejectedEvent;
import io.github.etcdconfig.verify.EtcdConfigVerdict;
import io.github.etcdconfig.verify.EtcdConfigVerdictEvent;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * The beans of a shop: {@link ShopProperties}, {@code @Value} fields of several types, a
 * {@code @RefreshScope} bean, and a recorder of what the instance says about revisions
 * and proposals.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ShopProperties.class)
public class ShopBeans {

	@Bean
	ShopValues shopValues() {
		return new ShopValues();
	}

	@Bean
	@RefreshScope
	ScopedShop scopedShop() {
		return new ScopedShop();
	}

	@Bean
	Verdicts verdicts() {
		return new Verdicts();
	}

	/** {@code @Value} fields kept current. */
	public static class ShopValues {

		@Value("${shop.retries:3}")
		public volatile int retries;

		@Value("${shop.enabled:true}")
		public volatile boolean enabled;

		@Value("${shop.greeting:hello}")
		public volatile String greeting;

	}

	/** A {@code @RefreshScope} bean, created again when what it reads changes. */
	public static class ScopedShop {

		@Value("${shop.scoped-limit:5}")
		private int limit;

		public int getLimit() {
			return this.limit;
		}

	}

	/** Every rejection, change and verdict this instance published. */
	public static class Verdicts {

		public final List<ApplicationEvent> events = new CopyOnWriteArrayList<>();

		@EventListener({ EtcdConfigRejectedEvent.class, EtcdConfigChangedEvent.class, EtcdConfigVerdictEvent.class })
		void on(ApplicationEvent event) {
			this.events.add(event);
		}

		/**
		 * The verdict on a proposal.
		 * @param proposal the proposal id
		 * @return the verdict, or {@code null} while there is none
		 */
		public EtcdConfigVerdict of(String proposal) {
			return this.events.stream()
				.filter(EtcdConfigVerdictEvent.class::isInstance)
				.map((event) -> ((EtcdConfigVerdictEvent) event).getVerdict())
				.filter((verdict) -> verdict.proposal().equals(proposal))
				.findFirst()
				.orElse(null);
		}

		/**
		 * The last rejection published.
		 * @return the event, or {@code null}
		 */
		public EtcdConfigRejectedEvent lastRejection() {
			EtcdConfigRejectedEvent last = null;
			for (ApplicationEvent event : this.events) {
				if (event instanceof EtcdConfigRejectedEvent rejected) {
					last = rejected;
				}
			}
			return last;
		}

	}

}
