/**
 * Operations: the {@code etcdConfig} health indicator, the actuator endpoint, the
 * metrics, and the sanitizing of values they show.
 */
@NullMarked
package io.github.etcdconfig.actuate;

import org.jspecify.annotations.NullMarked;
