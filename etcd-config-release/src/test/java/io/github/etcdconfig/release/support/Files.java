package io.github.etcdconfig.release.support;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.github.etcdconfig.release.EtcdConfigFile;

/**
 * Configuration files made in tests.
 */
public final class Files {

	private Files() {
	}

	public static List<EtcdConfigFile> yaml(String text) {
		return List.of(file("billing.yml", text));
	}

	public static EtcdConfigFile file(String name, String text) {
		return new EtcdConfigFile(name, text.getBytes(StandardCharsets.UTF_8));
	}

}
