/**
 * Real etcd for tests: {@link io.github.etcdconfig.test.EtcdCluster} starts local etcd
 * processes (one member or a cluster) on free loopback ports,
 * {@link io.github.etcdconfig.test.EtcdTls} generates TLS material,
 * {@link io.github.etcdconfig.test.TcpProxy} cuts connections on demand,
 * {@link io.github.etcdconfig.test.EtcdClusterExtension} wires a cluster into JUnit 5
 * test classes and {@link io.github.etcdconfig.test.EtcdKeys} reads and writes keys from
 * tests, every call with a deadline.
 *
 * <p>
 * Applications for tests: {@link io.github.etcdconfig.test.Apps} starts a
 * {@link io.github.etcdconfig.test.TestApplication} against a test etcd with fast
 * failures, {@link io.github.etcdconfig.test.ChildJvm} runs a main class in a second JVM
 * that a test can kill or freeze, and {@link io.github.etcdconfig.test.PackageLayers} is
 * the architecture rule every module checks.
 *
 * <p>
 * The etcd binary is taken from the {@code etcd.bin} system property, the
 * {@code ETCD_BIN} environment variable, the {@code PATH} or {@code /usr/bin/etcd}, in
 * that order. Without a binary, a single plain member can run in Docker through
 * Testcontainers ({@link io.github.etcdconfig.test.EtcdContainer}) when both are
 * available.
 */
@NullMarked
package io.github.etcdconfig.test;

import org.jspecify.annotations.NullMarked;
