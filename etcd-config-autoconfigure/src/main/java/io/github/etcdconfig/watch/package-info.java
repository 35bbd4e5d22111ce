/**
 * Following etcd: the watch session of a key range, coalescing, resync after compaction,
 * recovery after an outage, the liveness check, and the watch's status.
 */
@NullMarked
package io.github.etcdconfig.watch;

import org.jspecify.annotations.NullMarked;
