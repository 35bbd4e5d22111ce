package io.github.etcdconfig.release.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.etcdconfig.refresh.EtcdConfigChangedEvent;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * An application with the starter and etcd-discovery, that records every change from etcd
 * it applies.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestApplication {

	@Bean
	Refreshes refreshes() {
		return new Refreshes();
	}

	/**
	 * The changes from etcd the application applied, in order.
	 */
	public static class Refreshes {

		private final List<EtcdConfigChangedEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void on(EtcdConfigChangedEvent event) {
			this.events.add(event);
		}

		public List<EtcdConfigChangedEvent> events() {
			return this.events;
		}

	}

}
