/**
 * Safe releases of configuration into etcd, as plain Java for the {@code etcd-config} CLI
 * and a web console: {@link io.github.etcdconfig.release.EtcdReleases} validates files
 * with the starter's own reading, shows what they change, publishes the change and its
 * record as one guarded transaction, keeps the history, rolls a layer back, promotes a
 * gray release, and tells which instances have applied a revision. Results are immutable
 * records; every etcd call has a deadline.
 */
@NullMarked
package io.github.etcdconfig.release;

import org.jspecify.annotations.NullMarked;
