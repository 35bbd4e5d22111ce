/**
 * Applying a change to the running application: the environment, {@code @Value} fields,
 * rebound {@code @ConfigurationProperties} beans and the {@code @RefreshScope} beans that
 * read the changed names.
 */
@NullMarked
package io.github.etcdconfig.refresh;

import org.jspecify.annotations.NullMarked;
