/**
 * Service discovery and registration in etcd, the guide's
 * {@code /services/{name}/{instance}} with a lease kept alive, for Spring Cloud's
 * {@code DiscoveryClient} and {@code ServiceRegistry}.
 */
@NullMarked
package io.github.etcdconfig.discovery;

import org.jspecify.annotations.NullMarked;
