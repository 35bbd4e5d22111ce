/**
 * The guide's services registering and finding each other through etcd.
 */
@NullMarked
package io.github.etcdconfig.samples.discovery;

import org.jspecify.annotations.NullMarked;
