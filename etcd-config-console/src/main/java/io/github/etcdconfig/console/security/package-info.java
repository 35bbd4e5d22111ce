/**
 * Who gets into the console and what they may do: form login with BCrypt-hashed users or
 * OIDC, the viewer and publisher roles, per-application publishers, and CSRF tokens on
 * every write.
 */
@NullMarked
package io.github.etcdconfig.console.security;

import org.jspecify.annotations.NullMarked;
