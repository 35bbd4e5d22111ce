/**
 * Verified releases: proposed changes are evaluated against this instance's beans before
 * they are written, without touching its live values, and answered with a verdict.
 */
@NullMarked
package io.github.etcdconfig.verify;

import org.jspecify.annotations.NullMarked;
