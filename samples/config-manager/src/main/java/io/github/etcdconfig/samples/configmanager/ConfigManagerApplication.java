package io.github.etcdconfig.samples.configmanager;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The seed's Node.js ConfigManager as a Spring application. It has no etcd code: the
 * starter loads /config/ at start-up and applies every change while it runs.
 */
@SpringBootApplication
@EnableConfigurationProperties(DatabaseProperties.class)
public class ConfigManagerApplication {

	public static void main(String[] args) {
		SpringApplication.run(ConfigManagerApplication.class, args);
	}

}
