/**
 * Following the configuration and applying each change to the running application: the
 * watcher of each etcd source, which turns watched events into the store's next snapshot,
 * then the environment, {@code @Value} fields, rebound {@code @ConfigurationProperties}
 * beans and the {@code @RefreshScope} beans that read the changed names. The watchers sit
 * here, above {@code config}, because they follow a configuration store; the watch they
 * build on ({@code watch}) knows nothing of configuration.
 */
@NullMarked
package io.github.etcdconfig.refresh;

import org.jspecify.annotations.NullMarked;
