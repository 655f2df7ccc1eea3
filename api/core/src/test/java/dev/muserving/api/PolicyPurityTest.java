package dev.muserving.api;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.muserving.api.testing.PolicyPurity;
import org.junit.jupiter.api.Test;

class PolicyPurityTest {

    private final JavaClasses fixture = new ClassFileImporter().importPackages("dev.muserving.purityfixture");

    @Test
    void frameworkRuleCatchesAPolicyThatImportsAFramework() {
        assertThatThrownBy(() -> PolicyPurity.noFrameworks().check(fixture))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ImpurePolicy")
                .hasMessageContaining("io.vertx.core.FakeVertxContext");
    }

    @Test
    void whitelistRuleCatchesTheSamePolicy() {
        assertThatThrownBy(() -> PolicyPurity.onlyJdkAndApi().check(fixture))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ImpurePolicy");
    }
}
