package io.github.etcdconfig.test;

import java.util.ArrayList;
import java.util.List;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The architecture rules every etcd-config module checks in its own tests, over the
 * module and the modules it builds on, tests left out:
 * <ul>
 * <li>the packages of {@code io.github.etcdconfig} are layered: a package depends only on
 * the packages of lower tiers ({@link #TIERS}), never on one of its own tier or a higher
 * one, so each concern can be read, tested and changed with only what is below it in
 * mind;</li>
 * <li>every package has its tier, so that a new one is placed on purpose;</li>
 * <li>no package depends on itself through other packages, sub-packages included.</li>
 * </ul>
 * Needs ArchUnit on the test class path (an optional dependency of this module).
 */
public final class PackageLayers {

	/**
	 * The top-level packages under {@code io.github.etcdconfig}, lowest tier first. The
	 * starter's core is {@code client < ranges < watch < config < refresh < actuate}; the
	 * packages of the other modules stand on it.
	 */
	static final List<List<String>> TIERS = List.of(
			// Test support, which no product code uses.
			List.of("test"),
			// The client: connection, errors, backoff.
			List.of("client"),
			// Key ranges, range reads and the deadline of a call.
			List.of("ranges"),
			// Following a key range; leases, beside it, know nothing of watches.
			List.of("watch", "lease"),
			// Loading configuration; locks, beside it, stand on leases.
			List.of("config", "lock"),
			// Following the configuration and applying changes to the application.
			List.of("refresh"),
			// Health, endpoint and metrics; beside them, the verification of proposed
			// releases against this instance's beans.
			List.of("actuate", "verify"),
			// Registration and discovery, which report the applied configuration.
			List.of("discovery"),
			// The release API of the operator tools.
			List.of("release"),
			// The operator tools: presentation only.
			List.of("cli", "console"),
			// Built on everything, used by nothing.
			List.of("testcontainers", "benchmarks", "samples"));

	private PackageLayers() {
	}

	/**
	 * Fail when a package of {@code io.github.etcdconfig} on the class path, tests left
	 * out, depends on a package of its own tier or a higher one, has no tier, or is part
	 * of a cycle.
	 */
	public static void assertLayered() {
		// Only the project's own classes matter for its packages: reading every library
		// they use takes long.
		ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
		JavaClasses main = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
			.importPackages("io.github.etcdconfig");
		List<String> all = TIERS.stream().flatMap(List::stream).toList();
		classes().that()
			.resideInAPackage("io.github.etcdconfig..")
			.should()
			.resideInAnyPackage(all.stream().map(PackageLayers::packages).toArray(String[]::new))
			.because("every package has its tier in PackageLayers.TIERS")
			.check(main);
		layers().check(main);
		slices().matching("io.github.etcdconfig.(**)").should().beFreeOfCycles().check(main);
	}

	private static LayeredArchitecture layers() {
		LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
			.withOptionalLayers(true);
		for (List<String> tier : TIERS) {
			for (String name : tier) {
				layers = layers.layer(name).definedBy(packages(name));
			}
		}
		for (int i = 0; i < TIERS.size(); i++) {
			List<String> above = new ArrayList<>();
			TIERS.subList(i + 1, TIERS.size()).forEach(above::addAll);
			for (String name : TIERS.get(i)) {
				layers = above.isEmpty() ? layers.whereLayer(name).mayNotBeAccessedByAnyLayer()
						: layers.whereLayer(name).mayOnlyBeAccessedByLayers(above.toArray(String[]::new));
			}
		}
		return layers;
	}

	private static String packages(String name) {
		return "io.github.etcdconfig." + name + "..";
	}

}
