package io.github.etcdconfig.discovery;

/**
 * What an instance reports of its configuration in its registration: the etcd revision it
 * has applied, whether its values may be stale, and the state of its watch. The operator
 * tools read it to tell which instances have a release.
 *
 * @param revision the etcd revision of the configuration the instance has applied; 0
 * before etcd was read
 * @param stale whether the values come from the snapshot file because etcd could not be
 * read at start-up
 * @param state the state of the configuration watch (WATCHING, RECONNECTING...), or
 * {@code null} without a watch
 */
public record EtcdConfigStatus(long revision, boolean stale, String state) {
}
