package dev.muserving.api;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.muserving.api.testing.Layering;
import org.junit.jupiter.api.Test;

/** Each layering rule fails on a fixture that breaks it (the product is checked in cli/app's ArchitectureTest). */
class LayeringTest {

    private static final String ROOT = "dev.muserving.layeringfixture";
    private final JavaClasses fixture = new ClassFileImporter().importPackages(ROOT);

    @Test
    void aPackageCycleIsCaught() {
        assertThatThrownBy(() -> Layering.noPackageCycles(ROOT).check(fixture))
                .isInstanceOf(AssertionError.class).hasMessageContaining("alpha").hasMessageContaining("beta");
    }

    @Test
    void theDataPlaneReachingIntoTheCliIsCaughtTwice() {
        assertThatThrownBy(() -> Layering.dataPlaneIsNotTheControllerOrTheCli(ROOT).check(fixture))
                .isInstanceOf(AssertionError.class).hasMessageContaining("Proxy").hasMessageContaining("Command");
        assertThatThrownBy(() -> Layering.policiesAdaptersApps(ROOT).check(fixture))
                .isInstanceOf(AssertionError.class).hasMessageContaining("Proxy").hasMessageContaining("Command");
    }

    @Test
    void aSimulatorOnAnEventLoopIsCaught() {
        assertThatThrownBy(() -> Layering.simulatorHasNoFramework(ROOT).check(fixture))
                .isInstanceOf(AssertionError.class).hasMessageContaining("Simulation").hasMessageContaining("io.vertx");
    }
}
