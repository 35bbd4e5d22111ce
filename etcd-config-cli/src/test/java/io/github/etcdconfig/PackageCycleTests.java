package io.github.etcdconfig;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * No package of the project depends on itself through other packages, in this module or the modules it builds on:
 * each concern ({@code config}, {@code watch}, {@code client}, ...) can be read, tested and changed on its own.
 */
class PackageCycleTests {

	@Test
	void noPackageDependsOnItselfThroughOthers() {
		// Only the project's own classes matter for its packages: reading every library they use takes long.
		ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
		JavaClasses main = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
			.importPackages("io.github.etcdconfig");
		slices().matching("io.github.etcdconfig.(*)..").should().beFreeOfCycles().check(main);
	}

}
