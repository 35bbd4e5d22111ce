package io.github.etcdconfig;

import io.github.etcdconfig.test.PackageLayers;
import org.junit.jupiter.api.Test;

/**
 * The packages of the project are layered and free of cycles, in this module and the
 * modules it builds on.
 */
class PackageLayerTests {

	@Test
	void everyPackageDependsOnlyOnTheTiersBelowItAndOnNoCycle() {
		PackageLayers.assertLayered();
	}

}
