package io.github.etcdconfig.samples.configmanager;

import io.github.etcdconfig.config.EtcdPropertyChange;
import io.github.etcdconfig.refresh.EtcdConfigChangedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The seed's watcher.on('put') log line, without the values, which may be secrets.
 */
@Component
public class ConfigChangeLogger {

	private static final Log logger = LogFactory.getLog(ConfigChangeLogger.class);

	@EventListener
	public void onChange(EtcdConfigChangedEvent event) {
		for (EtcdPropertyChange change : event.getChanges()) {
			logger.info("Config updated: " + change + " at revision " + event.getRevision());
		}
	}

}
