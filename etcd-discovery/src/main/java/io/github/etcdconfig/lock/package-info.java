/**
 * Distributed locks on leases, following etcd's own recipe (the one of
 * {@code etcdctl lock}).
 */
@NullMarked
package io.github.etcdconfig.lock;

import org.jspecify.annotations.NullMarked;
