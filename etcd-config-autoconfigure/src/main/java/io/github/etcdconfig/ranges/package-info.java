/**
 * Key ranges and reading them: a range of etcd keys, a key as read or watched, a paged
 * read of ranges at one revision, and the one wait for an etcd call with a deadline. Used
 * by the watch, the configuration loader, discovery and the release tools alike; knows
 * nothing of configuration.
 */
@NullMarked
package io.github.etcdconfig.ranges;

import org.jspecify.annotations.NullMarked;
