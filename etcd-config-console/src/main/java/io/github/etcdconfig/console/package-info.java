/**
 * The web console: configuration releases in a web page, on the release API of
 * {@code etcd-config-release} that the CLI uses.
 * {@link io.github.etcdconfig.console.EtcdConsoleApplication} starts it;
 * {@link io.github.etcdconfig.console.EtcdConsoleProperties} holds its
 * {@code etcd.console.*} settings.
 */
@NullMarked
package io.github.etcdconfig.console;

import org.jspecify.annotations.NullMarked;
