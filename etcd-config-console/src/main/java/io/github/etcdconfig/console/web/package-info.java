/**
 * The console's pages: applications, one application's effective properties, editing and
 * publishing a layer, its history and rollback, conflicts, and the rollout of a release.
 * Page models are built with {@link io.github.etcdconfig.console.web.EtcdConsoleMasks},
 * so a masked value never reaches a template.
 */
@NullMarked
package io.github.etcdconfig.console.web;

import org.jspecify.annotations.NullMarked;
