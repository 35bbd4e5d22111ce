/**
 * The console's part in staged rollouts: it drives the rollouts it starts or resumes in
 * the background, one driver per application, through the release API's driver, as
 * {@code etcd-config push --canary} does in the foreground.
 */
@NullMarked
package io.github.etcdconfig.console.rollout;

import org.jspecify.annotations.NullMarked;
