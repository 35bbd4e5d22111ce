package io.github.etcdconfig.console;

import java.util.List;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.client.EtcdProperties;
import io.github.etcdconfig.config.EtcdConfigProperties;
import io.github.etcdconfig.release.EtcdReleaseMasks;
import io.github.etcdconfig.release.EtcdReleaseSettings;
import io.github.etcdconfig.release.EtcdReleaseWorkflow;
import io.github.etcdconfig.release.EtcdReleases;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The web console: configuration releases in a web page. It reaches etcd with the
 * starter's {@code etcd.*} settings (the {@code Client} bean of
 * {@code etcd-config-autoconfigure}, TLS bundles included) and does everything through
 * the release API that the CLI uses, so the two never disagree. It loads no configuration
 * of its own from etcd and registers nowhere (its {@code application.properties}).
 */
@SpringBootApplication
@EnableConfigurationProperties({ EtcdConsoleProperties.class, EtcdConfigProperties.class })
public class EtcdConsoleApplication {

	public static void main(String[] args) {
		SpringApplication.run(EtcdConsoleApplication.class, args);
	}

	@Bean
	EtcdReleaseSettings etcdReleaseSettings(EtcdConsoleProperties console, EtcdConfigProperties config,
			EtcdProperties etcd, @Value("${etcd.discovery.prefix:" + EtcdReleaseSettings.DEFAULT_SERVICES_PREFIX
					+ "}") String servicesPrefix) {
		return new EtcdReleaseSettings(config.getPrefixes(), console.getReleasesPrefix(), servicesPrefix,
				console.getMaxTxnOps(), console.getKeep(), etcd.getRequestTimeout(), console.getProposalsPrefix());
	}

	@Bean
	EtcdReleases etcdReleases(Client client, EtcdReleaseSettings settings) {
		return new EtcdReleases(client, settings);
	}

	@Bean
	EtcdReleaseWorkflow etcdReleaseWorkflow(EtcdReleases releases) {
		return new EtcdReleaseWorkflow(releases);
	}

	/**
	 * The release API's masks, with the application's own {@link SanitizingFunction}s
	 * first, as the {@code etcdconfig} endpoint applies them.
	 */
	@Bean
	EtcdReleaseMasks etcdReleaseMasks(ObjectProvider<SanitizingFunction> functions) {
		return new EtcdReleaseMasks(List.copyOf(functions.orderedStream().toList()));
	}

}
