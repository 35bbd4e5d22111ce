package io.github.etcdconfig.discovery;

import reactor.core.publisher.Flux;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;

/**
 * Spring Cloud's {@link ReactiveDiscoveryClient} on etcd. The cache is in memory, so
 * nothing blocks: each subscription reads the snapshot of that moment.
 */
public class EtcdReactiveDiscoveryClient implements ReactiveDiscoveryClient {

	private final EtcdServiceInstances instances;

	/**
	 * Create the client.
	 * @param instances the cache
	 */
	public EtcdReactiveDiscoveryClient(EtcdServiceInstances instances) {
		this.instances = instances;
	}

	@Override
	public String description() {
		return "etcd reactive discovery client";
	}

	@Override
	public Flux<ServiceInstance> getInstances(String serviceId) {
		return Flux.defer(() -> Flux.fromIterable(this.instances.getInstances(serviceId)));
	}

	@Override
	public Flux<String> getServices() {
		return Flux.defer(() -> Flux.fromIterable(this.instances.getServices()));
	}

}
