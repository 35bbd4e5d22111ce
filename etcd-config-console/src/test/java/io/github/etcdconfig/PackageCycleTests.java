package io.github.etcdconfig;

import io.github.etcdconfig.test.PackageCycles;
import org.junit.jupiter.api.Test;

/**
 * No package of the project depends on itself through other packages, in this module or
 * the modules it builds on.
 */
class PackageCycleTests {

	@Test
	void noPackageDependsOnItselfThroughOthers() {
		PackageCycles.assertNone();
	}

}
