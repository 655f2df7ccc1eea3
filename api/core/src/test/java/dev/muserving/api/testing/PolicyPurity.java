package dev.muserving.api.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Rule 1 of docs/architecture.md as code: a policy sees only the JDK, the api records and other policies, so the
 * same class runs in the simulator, in local mode and on Kubernetes. Each module that holds policies
 * checks its own classes with {@link #check(String)}.
 */
public final class PolicyPurity {

    /** Frameworks named in docs/architecture.md; the whitelist below also keeps out anything not named here. */
    static final String[] FRAMEWORKS = {
        "io.fabric8..", "io.vertx..", "io.quarkus..", "io.javaoperatorsdk..", "io.micrometer..",
        "io.smallrye..", "io.netty..", "jakarta.."
    };

    private PolicyPurity() {}

    public static ArchRule noFrameworks() {
        return noClasses().that().resideInAPackage("..policy..")
                .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
                .because("policies are pure (docs/architecture.md, rule 1)");
    }

    public static ArchRule onlyJdkAndApi() {
        return classes().that().resideInAPackage("..policy..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "dev.muserving.api..", "..policy..")
                .because("policies take time and randomness as parameters and see only api records (docs/architecture.md, rule 1)");
    }

    public static JavaClasses importProductionClasses(String basePackage) {
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(basePackage);
    }

    /** Fails with the offending dependencies when a policy of {@code basePackage} is impure. */
    public static void check(String basePackage) {
        JavaClasses classes = importProductionClasses(basePackage);
        noFrameworks().allowEmptyShould(false).check(classes);
        onlyJdkAndApi().check(classes);
    }
}
