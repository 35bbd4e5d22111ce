/**
 * Loading configuration from etcd: the ConfigData loader, the key layout and its layers,
 * the snapshot and its property source, the store that holds the snapshot, and the local
 * snapshot file.
 */
@NullMarked
package io.github.etcdconfig.config;

import org.jspecify.annotations.NullMarked;
