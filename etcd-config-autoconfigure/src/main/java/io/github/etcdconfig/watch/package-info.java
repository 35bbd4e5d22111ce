/**
 * Following a key range in etcd, whatever it holds: the watch session, the one watch
 * stream a client's watches share, coalescing, resync after compaction, recovery after an
 * outage, the liveness check, the watch's status and its settings. Knows nothing of
 * configuration: the configuration watchers that build on it live in {@code refresh}, and
 * discovery follows its registry with it too.
 */
@NullMarked
package io.github.etcdconfig.watch;

import org.jspecify.annotations.NullMarked;
