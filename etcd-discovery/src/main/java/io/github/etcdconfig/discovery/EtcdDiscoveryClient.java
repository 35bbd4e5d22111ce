package io.github.etcdconfig.discovery;

import java.util.List;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Spring Cloud's {@link DiscoveryClient} on etcd, answered from the watched
 * {@link EtcdServiceInstances} cache: no lookup calls etcd. Only healthy instances are
 * returned.
 */
public class EtcdDiscoveryClient implements DiscoveryClient {

	private final EtcdServiceInstances instances;

	/**
	 * Create the client.
	 * @param instances the cache
	 */
	public EtcdDiscoveryClient(EtcdServiceInstances instances) {
		this.instances = instances;
	}

	@Override
	public String description() {
		return "etcd discovery client";
	}

	@Override
	public List<ServiceInstance> getInstances(String serviceId) {
		return this.instances.getInstances(serviceId);
	}

	@Override
	public List<String> getServices() {
		return this.instances.getServices();
	}

}
