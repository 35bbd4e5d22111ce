/**
 * The guide's ConfigManager, in Spring: configuration from {@code /config/} with no etcd
 * code.
 */
@NullMarked
package io.github.etcdconfig.samples.configmanager;

import org.jspecify.annotations.NullMarked;
