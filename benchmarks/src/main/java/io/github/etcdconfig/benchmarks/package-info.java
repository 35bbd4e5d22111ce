/**
 * The benchmarks against real etcd processes, and the report written into {@code docs/}.
 */
@NullMarked
package io.github.etcdconfig.benchmarks;

import org.jspecify.annotations.NullMarked;
