/**
 * The console's pages: applications, one application's effective properties, editing and
 * publishing a layer, its history and rollback, conflicts, and the rollout of a release.
 * Pages only present what the release API returns: values are shown through its masks
 * ({@link io.github.etcdconfig.release.EtcdReleaseMasks}) and changes as
 * {@link io.github.etcdconfig.console.web.EtcdChangeRows}, so an unmasked value never
 * reaches a template; releases are published through its workflow.
 */
@NullMarked
package io.github.etcdconfig.console.web;

import org.jspecify.annotations.NullMarked;
