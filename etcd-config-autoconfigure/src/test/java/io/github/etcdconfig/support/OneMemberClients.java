package io.github.etcdconfig.support;

import java.net.InetSocketAddress;
import java.util.List;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.client.EtcdClientFactory;
import io.github.etcdconfig.client.EtcdMemberChoice;
import io.github.etcdconfig.client.EtcdProperties;
import io.github.etcdconfig.client.PropertiesEtcdConnectionDetails;
import io.github.etcdconfig.test.EtcdCluster;
import io.github.etcdconfig.test.EtcdMember;

/**
 * Clients made with {@code etcd.load-balancing=one-member}, and the member each talks to.
 */
public final class OneMemberClients {

	private OneMemberClients() {
	}

	/**
	 * A client of the cluster held to one of its members, made by the starter's factory.
	 * @param cluster the cluster
	 * @return the client
	 */
	public static Client create(EtcdCluster cluster) {
		EtcdProperties properties = new EtcdProperties();
		properties.setEndpoints(cluster.clientEndpoints());
		properties.setLoadBalancing(EtcdProperties.LoadBalancing.ONE_MEMBER);
		return EtcdClientFactory.standard(List.of())
			.create(new PropertiesEtcdConnectionDetails(properties, null), properties);
	}

	/**
	 * A client of the cluster held to a follower: when that member hangs, the next one
	 * still has a leader to answer with (a hung leader leaves the others electing one,
	 * and their answer is "no leader" until they have).
	 * @param cluster the cluster
	 * @return the client
	 */
	public static Client createOnAFollower(EtcdCluster cluster) {
		EtcdMember leader = cluster.leader();
		// Each client chooses its member at random.
		for (int attempt = 0; attempt < 30; attempt++) {
			Client client = create(cluster);
			if (chosen(cluster, EtcdMemberChoice.of(client)) != leader) {
				return client;
			}
			client.close();
		}
		throw new IllegalStateException("30 clients in a row chose the leader " + leader);
	}

	/**
	 * The member a client held to one member talks to now.
	 * @param cluster the cluster
	 * @param choice the client's choice
	 * @return the member
	 */
	public static EtcdMember chosen(EtcdCluster cluster, EtcdMemberChoice choice) {
		InetSocketAddress address = choice.chosen();
		return cluster.members()
			.stream()
			.filter((member) -> member.clientEndpoint().getPort() == address.getPort())
			.findFirst()
			.orElseThrow();
	}

}
