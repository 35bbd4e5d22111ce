package io.github.etcdconfig.release;

import java.util.List;

/**
 * Properties read from etcd at one revision with the starter's own code: the effective
 * view of an application (every layer resolved) or the properties of one layer.
 *
 * @param layer the layer chosen; for the effective view, the deepest layer the
 * application reads
 * @param revision the etcd revision they were read at
 * @param properties the properties, by name
 * @param problems keys an application would skip or keep at a previous version, each with
 * the key and the reason, never a value
 */
public record EtcdConfigView(EtcdLayer layer, long revision, List<EtcdProperty> properties, List<String> problems) {

	public EtcdConfigView {
		properties = List.copyOf(properties);
		problems = List.copyOf(problems);
	}

}
