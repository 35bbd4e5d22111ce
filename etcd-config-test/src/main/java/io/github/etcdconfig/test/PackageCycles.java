package io.github.etcdconfig.test;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The architecture rule every etcd-config module checks in its own tests: no package of
 * the project depends on itself through other packages, in the module or the modules it
 * builds on, so each concern ({@code config}, {@code watch}, {@code client}, ...) can be
 * read, tested and changed on its own. Needs ArchUnit on the test class path (an optional
 * dependency of this module).
 */
public final class PackageCycles {

	private PackageCycles() {
	}

	/**
	 * Fail when a package of {@code io.github.etcdconfig} on the class path, tests left
	 * out, is part of a cycle.
	 */
	public static void assertNone() {
		// Only the project's own classes matter for its packages: reading every library
		// they use takes long.
		ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
		JavaClasses main = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
			.importPackages("io.github.etcdconfig");
		slices().matching("io.github.etcdconfig.(*)..").should().beFreeOfCycles().check(main);
	}

}
