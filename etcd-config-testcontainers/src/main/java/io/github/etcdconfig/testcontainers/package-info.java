/**
 * Service connections for Testcontainers' etcd container.
 */
@NullMarked
package io.github.etcdconfig.testcontainers;

import org.jspecify.annotations.NullMarked;
