/**
 * The etcd client: its {@code etcd.*} settings, endpoints, TLS and credentials, the
 * shared client and its threads, and the one description of etcd's errors.
 */
@NullMarked
package io.github.etcdconfig.client;

import org.jspecify.annotations.NullMarked;
