/**
 * Leases kept alive, and etcd calls with a deadline, shared by registration and locks.
 */
@NullMarked
package io.github.etcdconfig.lease;

import org.jspecify.annotations.NullMarked;
