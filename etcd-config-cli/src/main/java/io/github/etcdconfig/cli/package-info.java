/**
 * The {@code etcd-config} command line (picocli): one command class per command, over
 * {@link io.github.etcdconfig.release.EtcdReleases}. Connects as etcdctl does, prints
 * text or JSON, and exits with the codes of
 * {@link io.github.etcdconfig.cli.EtcdConfigCli}.
 */
@NullMarked
package io.github.etcdconfig.cli;

import org.jspecify.annotations.NullMarked;
