package dev.muserving.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.muserving.api.testing.Layering;
import dev.muserving.api.testing.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole product against {@link Layering}'s rules: every module's compiled classes, read from its
 * target/classes (the reactor builds them all before this module; the apps are not dependencies of
 * the CLI, so the classpath alone would miss them).
 */
class ArchitectureTest {

    private static final List<String> MODULES = List.of("api/core", "api/crd", "activator-lb/routing", "activator-lb/dataplane",
            "activator-lb/app", "autoscaler", "placement", "operator", "cli/sim", "cli/local", "cli/lbbench", "cli/placementbench", "cli/clusterbench", "cli/app");
    private static JavaClasses product;

    @BeforeAll
    static void importEveryModule() {
        List<Path> compiled = MODULES.stream().map(m -> Repository.path(m, "target", "classes")).toList();
        List<Path> missing = compiled.stream().filter(dir -> !Files.isDirectory(dir.resolve("dev/muserving"))).toList();
        Assumptions.assumeTrue(missing.isEmpty(), () -> "not built in this run (a partial -pl build?): " + missing);
        product = new ClassFileImporter().importPaths(compiled);
    }

    @Test
    void everyModuleIsThere() {
        assertThat(product.containPackage("dev.muserving.operator.reconciler")).isTrue();
        assertThat(product.containPackage("dev.muserving.activator.app")).isTrue();
        assertThat(product.containPackage("dev.muserving.bench.sim")).isTrue();
        assertThat(product.containPackage("dev.muserving.clusterbench")).isTrue();
        assertThat(product.containPackage("dev.muserving.soak")).isTrue();
    }

    @Test
    void theProductKeepsItsLayers() {
        Layering.rules("dev.muserving").forEach(rule -> rule.check(product));
    }
}
